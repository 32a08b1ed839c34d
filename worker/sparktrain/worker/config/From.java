package sparktrain.worker.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The key (a {@link Key#path()} declared in {@link JobKeys}) whose validated value a config record's
 * component holds: {@link Settings#bind} builds the record by these names, never by position. A component
 * that is itself a config record needs none: it is bound the same way.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface From {
    String value();
}
