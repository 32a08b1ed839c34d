package sparktrain.driver.doctor;

/**
 * One line of the doctor's table.
 *
 * @param where "driver", "spark", "executor 1 (10.0.0.5)" or "2 executors"
 * @param check what was looked at, e.g. "off-heap limit"
 * @param detail what was found, with the numbers
 * @param fix the one setting to change; "" when nothing is to be done
 */
public record Finding(Status status, String where, String check, String detail, String fix) {

    public enum Status {
        OK, WARNING, ERROR;

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public static Finding ok(String where, String check, String detail) {
        return new Finding(Status.OK, where, check, detail, "");
    }

    public static Finding warning(String where, String check, String detail, String fix) {
        return new Finding(Status.WARNING, where, check, detail, fix);
    }

    public static Finding error(String where, String check, String detail, String fix) {
        return new Finding(Status.ERROR, where, check, detail, fix);
    }

    /** One line for logs and error messages: "executor 1: off-heap limit: ...; fix: ...". */
    public String line() {
        return where + ": " + check + ": " + detail + (fix.isEmpty() ? "" : "; " + fix);
    }
}
