package org.lrpaudit.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.Device;
import java.util.Map;
import org.apache.spark.resource.ResourceInformation;
import org.junit.jupiter.api.Test;

/** The task's GPU address from Spark's resource scheduling picks the DJL device (stubbed resource maps: no GPU here). */
class DeviceChoiceTest {
  @Test
  void gpuAddressPicksTheDevice() {
    assertEquals(Device.gpu(0), DeviceChoice.forResources(Map.of("gpu", new ResourceInformation("gpu", new String[] {"0"}))));
    assertEquals(Device.gpu(3), DeviceChoice.forResources(Map.of("gpu", new ResourceInformation("gpu", new String[] {"3", "4"}))));
  }

  @Test
  void noGpuMeansCpu() {
    assertEquals(Device.cpu(), DeviceChoice.forResources(Map.of()));
    assertEquals(Device.cpu(), DeviceChoice.forResources(null));
    assertEquals(Device.cpu(), DeviceChoice.forResources(Map.of("fpga", new ResourceInformation("fpga", new String[] {"0"}))));
    assertEquals(Device.cpu(), DeviceChoice.forResources(Map.of("gpu", new ResourceInformation("gpu", new String[0]))));
  }

  @Test
  void nonNumericAddressIsAClearError() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> DeviceChoice.forResources(Map.of("gpu", new ResourceInformation("gpu", new String[] {"GPU-8a1c"}))));
    assertEquals(true, e.getMessage().contains("GPU-8a1c"));
  }
}
