package org.lrpaudit.runtime;

import ai.djl.Device;
import java.util.Map;
import org.apache.spark.resource.ResourceInformation;

/**
 * Picks the DJL device of a Spark task: the first GPU address Spark's resource scheduling assigned to the task
 * (spark.executor.resource.gpu.amount / spark.task.resource.gpu.amount), otherwise the CPU.
 */
public final class DeviceChoice {
  public static final String GPU = "gpu";

  private DeviceChoice() {}

  /** @param resources the task's resources (TaskContext.resourcesJMap()); empty or without "gpu" means CPU */
  public static Device forResources(Map<String, ResourceInformation> resources) {
    ResourceInformation gpu = resources == null ? null : resources.get(GPU);
    if (gpu == null || gpu.addresses().length == 0) {
      return Device.cpu();
    }
    String address = gpu.addresses()[0].trim();
    try {
      return Device.gpu(Integer.parseInt(address));
    } catch (NumberFormatException e) {
      throw new IllegalStateException("Spark assigned GPU address '" + address + "', which is not a CUDA device index "
          + "(the GPU discovery script must report indices such as \"0\", \"1\")", e);
    }
  }
}
