package sparktrain.worker;

import java.util.Collection;

/** The known name closest to a misspelt one (a job-file key, a table's column), for "did you mean ...?". */
public final class DidYouMean {
    private DidYouMean() {
    }

    /** The candidate within a few edits of {@code name} (the first of the closest), or null. */
    public static String closest(String name, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            int d = levenshtein(name, candidate);
            if (d < bestDistance) {
                bestDistance = d;
                best = candidate;
            }
        }
        return bestDistance <= Math.max(2, name.length() / 4) ? best : null;
    }

    /** " (did you mean X?)", or "" when nothing is close. */
    public static String hint(String name, Collection<String> candidates) {
        String best = closest(name, candidates);
        return best == null ? "" : " (did you mean " + best + "?)";
    }

    static int levenshtein(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
