package sparktrain.worker;

/** The process exit codes of every sparktrain command (README "Exit codes"). */
public enum ExitCode {
    OK(0),
    FAILURE(1),
    USAGE(2),
    BAD_DATA(3),
    DIVERGED(4),
    WORKER_LOST(5),
    /** Nothing finished for training.stall-timeout: the run was stopped (README "Exit codes"). */
    STALLED(6);

    public final int code;

    ExitCode(int code) {
        this.code = code;
    }
}
