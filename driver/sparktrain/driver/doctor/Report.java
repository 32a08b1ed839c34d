package sparktrain.driver.doctor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The doctor's findings, in the order they were made, and the table they print as. */
public record Report(List<Finding> findings) {

    public Report {
        findings = List.copyOf(findings);
    }

    public boolean hasErrors() {
        return findings.stream().anyMatch(f -> f.status() == Finding.Status.ERROR);
    }

    public List<Finding> with(Finding.Status status) {
        return findings.stream().filter(f -> f.status() == status).toList();
    }

    /**
     * Executors that found the same thing share one row ("2 executors"); the rest keep their own.
     * Executor rows are those whose {@code where} starts with "executor ".
     */
    public Report mergeExecutors() {
        Map<List<Object>, List<Finding>> groups = new LinkedHashMap<>();
        List<Finding> out = new ArrayList<>();
        for (Finding f : findings) {
            if (f.where().startsWith("executor ")) {
                groups.computeIfAbsent(List.of(f.status(), f.check(), f.detail(), f.fix()), k -> new ArrayList<>()).add(f);
            }
        }
        java.util.Set<List<Object>> done = new java.util.HashSet<>();
        for (Finding f : findings) {
            if (!f.where().startsWith("executor ")) {
                out.add(f);
                continue;
            }
            List<Object> key = List.of(f.status(), f.check(), f.detail(), f.fix());
            if (done.add(key)) {
                List<Finding> same = groups.get(key);
                out.add(same.size() == 1 ? f
                        : new Finding(f.status(), same.size() + " executors", f.check(), f.detail(), f.fix()));
            }
        }
        return new Report(out);
    }

    /** An aligned table: status, where, check, finding, and the setting to change. */
    public String table() {
        String[] header = {"STATUS", "WHERE", "CHECK", "FINDING", "FIX"};
        int[] width = new int[4];
        for (int i = 0; i < 4; i++) {
            width[i] = header[i].length();
        }
        for (Finding f : findings) {
            String[] row = row(f);
            for (int i = 0; i < 4; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        StringBuilder table = new StringBuilder();
        append(table, header, width);
        for (Finding f : findings) {
            append(table, row(f), width);
        }
        long errors = with(Finding.Status.ERROR).size();
        long warnings = with(Finding.Status.WARNING).size();
        table.append(errors > 0 ? errors + " error(s), " + warnings + " warning(s): the job would fail; fix the errors first"
                : warnings > 0 ? "no errors, " + warnings + " warning(s)" : "all ok").append('\n');
        return table.toString();
    }

    private static String[] row(Finding f) {
        return new String[] {f.status().label(), f.where(), f.check(), f.detail(), f.fix()};
    }

    private static void append(StringBuilder table, String[] row, int[] width) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < 4; i++) {
            line.append(String.format("%-" + width[i] + "s  ", row[i]));
        }
        line.append(row[4]);
        table.append(line.toString().stripTrailing()).append('\n');
    }
}
