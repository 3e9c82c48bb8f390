package org.lrpaudit.clustertest;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hdfs.MiniDFSCluster;

/**
 * Hadoop's in-process HDFS (one NameNode, one DataNode) as its own JVM on a fixed port, for jobs/cluster-test: the
 * standalone cluster's executors then read and write hdfs:// over the network like on any HDFS. Runs until killed.
 *   java -cp TEST_CLASS_PATH org.lrpaudit.clustertest.MiniHdfsServer BASE_DIR PORT
 * Prints "hdfs ready hdfs://127.0.0.1:PORT" once the DataNode is up (files go in with Hadoop's FsShell).
 */
public final class MiniHdfsServer {
  private MiniHdfsServer() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: MiniHdfsServer BASE_DIR PORT");
      System.exit(2);
    }
    Configuration conf = new Configuration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, args[0]);
    // The DataNode must be reachable by other JVMs under the address the NameNode hands out.
    conf.set("dfs.datanode.hostname", "127.0.0.1");
    conf.set("dfs.namenode.rpc-bind-host", "127.0.0.1");
    MiniDFSCluster hdfs = new MiniDFSCluster.Builder(conf).nameNodePort(Integer.parseInt(args[1])).numDataNodes(1)
        .build();
    hdfs.waitActive();
    Runtime.getRuntime().addShutdownHook(new Thread(hdfs::shutdown));
    System.out.println("hdfs ready hdfs://127.0.0.1:" + hdfs.getNameNodePort());
    System.out.flush();
    Thread.currentThread().join();
  }
}
