package dev.lowbit.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PropertyFailureReportTest {
    @Test
    void dropsTestFrameworkFramesAndKeepsTheRest() {
        String message = String.join("\n",
                "Property falsified after 3 example(s) ",
                "Smallest found falsifying value(s) :-",
                "{INT2, 1, 1, 0}",
                "Cause was :-",
                "java.lang.IndexOutOfBoundsException: out of bounds",
                "\tat jdk.incubator.vector/jdk.incubator.vector.FloatVector.intoArray(FloatVector.java:3171)",
                "\tat dev.lowbit.kernels.decode.SimdGroupDecoder.int2(SimdGroupDecoder.java:131)",
                "\tat org.quicktheories.impl.Property.tryFalsification(Property.java:23)",
                "\tat java.base/jdk.internal.reflect.DirectMethodHandleAccessor.invoke(DirectMethodHandleAccessor.java:104)",
                "\tat org.junit.platform.commons.util.ReflectionUtils.invokeMethod(ReflectionUtils.java:786)",
                "\tat org.apache.maven.surefire.booter.ForkedBooter.main(ForkedBooter.java:495)",
                "",
                "Seed was 20261203");
        assertEquals(String.join("\n",
                "Property falsified after 3 example(s) ",
                "Smallest found falsifying value(s) :-",
                "{INT2, 1, 1, 0}",
                "Cause was :-",
                "java.lang.IndexOutOfBoundsException: out of bounds",
                "\tat jdk.incubator.vector/jdk.incubator.vector.FloatVector.intoArray(FloatVector.java:3171)",
                "\tat dev.lowbit.kernels.decode.SimdGroupDecoder.int2(SimdGroupDecoder.java:131)",
                "\t... 4 test-framework frames",
                "",
                "Seed was 20261203"), PropertyFailureReport.withoutFrameworkFrames(message));
    }
}
