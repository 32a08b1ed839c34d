package sparktrain.jobs;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sparktrain.worker.ExitCode;
import sparktrain.driver.doctor.Doctor;
import sparktrain.driver.doctor.Report;

import java.util.concurrent.Callable;

@Command(name = "doctor", description = "Check the driver and every executor for what would make the job fail; "
        + "exit 2 when something would.")
final class DoctorCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    JobOptions job;

    @Mixin
    MasterOption master;

    @Option(names = "--output", paramLabel = "DIR", description = "The run directory train would write (default: output.dir, else runs/).")
    String output;

    @Option(names = "--executors", paramLabel = "N", defaultValue = "0",
            description = "On a cluster, wait for N executors before probing (default: spark.executor.instances, else"
                    + " until none has joined for 5 s).")
    int executors;

    @Override
    public Integer call() {
        Report report = Doctor.run(job.load(), master.url, output, executors);
        spec.commandLine().getOut().print(report.table());
        spec.commandLine().getOut().flush();
        return report.hasErrors() ? ExitCode.USAGE.code : ExitCode.OK.code;
    }
}
