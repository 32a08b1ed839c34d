package sparktrain.worker;

import java.util.List;

/** An error the user can act on: one line per problem, and the exit code it maps to. */
public class SparktrainException extends RuntimeException {
    private final ExitCode exitCode;
    private final List<String> problems;

    public SparktrainException(ExitCode exitCode, List<String> problems) {
        super(String.join("; ", problems));
        this.exitCode = exitCode;
        this.problems = List.copyOf(problems);
    }

    public SparktrainException(ExitCode exitCode, String problem, Throwable cause) {
        super(problem, cause);
        this.exitCode = exitCode;
        this.problems = List.of(problem);
    }

    public static SparktrainException usage(String problem) {
        return new SparktrainException(ExitCode.USAGE, List.of(problem));
    }

    public static SparktrainException badData(String problem) {
        return new SparktrainException(ExitCode.BAD_DATA, List.of(problem));
    }

    public static SparktrainException badData(String problem, Throwable cause) {
        return new SparktrainException(ExitCode.BAD_DATA, problem, cause);
    }

    public ExitCode exitCode() {
        return exitCode;
    }

    public List<String> problems() {
        return problems;
    }
}
