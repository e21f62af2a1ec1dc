package dev.fleetq.devstack.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs a test class against the test JVM's shared {@link dev.fleetq.devstack.DevStack}: test
 * methods, constructors and lifecycle methods may take a {@code DevStack} and a {@link
 * TestNamespace} parameter.
 */
@Target({ElementType.TYPE, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ExtendWith(DevStackExtension.class)
public @interface WithDevStack {}
