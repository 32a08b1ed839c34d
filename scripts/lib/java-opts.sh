# The --add-opens flags Spark and ND4J need on Java 17 (driver and executors).
JAVA17_OPENS=()
for pkg in java.lang java.lang.invoke java.lang.reflect java.io java.net java.nio java.util \
           java.util.concurrent java.util.concurrent.atomic sun.nio.ch sun.nio.cs sun.security.action \
           sun.util.calendar; do
  JAVA17_OPENS+=("--add-opens=java.base/$pkg=ALL-UNNAMED")
done
