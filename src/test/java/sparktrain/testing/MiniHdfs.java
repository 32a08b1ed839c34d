package sparktrain.testing;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hdfs.MiniDFSCluster;

import java.io.File;

/**
 * A real HDFS (one NameNode, one DataNode) on 127.0.0.1 for scripts/hdfs: starts it on a fixed
 * name-node port with a fresh data directory, prints {@code hdfs://127.0.0.1:PORT}, runs until killed.
 * Usage: MiniHdfs PORT DATA_DIR
 */
public final class MiniHdfs {
    private MiniHdfs() {
    }

    public static MiniDFSCluster start(int port, File dataDir) throws Exception {
        Configuration conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, dataDir.getAbsolutePath());
        conf.set("dfs.replication", "1");
        // web UIs and data transfer on loopback, on free ports
        conf.set("dfs.namenode.http-address", "127.0.0.1:0");
        conf.set("dfs.datanode.address", "127.0.0.1:0");
        conf.set("dfs.datanode.http.address", "127.0.0.1:0");
        conf.set("dfs.datanode.ipc.address", "127.0.0.1:0");
        MiniDFSCluster cluster = new MiniDFSCluster.Builder(conf)
                .nameNodePort(port)
                .numDataNodes(1)
                .format(true)
                .build();
        cluster.waitActive();
        return cluster;
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: MiniHdfs PORT DATA_DIR");
            System.exit(2);
        }
        MiniDFSCluster cluster = start(Integer.parseInt(args[0]), new File(args[1]));
        Runtime.getRuntime().addShutdownHook(new Thread(cluster::shutdown));
        System.out.println("hdfs://127.0.0.1:" + cluster.getNameNodePort());
        System.out.flush();
        Thread.currentThread().join();
    }
}
