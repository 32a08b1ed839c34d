package sparktrain.jobs;

import picocli.CommandLine;
import sparktrain.driver.Versions;

final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {"sparktrain " + Versions.sparktrain()};
    }
}
