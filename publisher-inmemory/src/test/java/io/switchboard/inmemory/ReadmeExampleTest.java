package io.switchboard.inmemory;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's "run the compatibility kit" example is this module's real fixture, so it cannot rot. */
class ReadmeExampleTest {

    @Test
    void theReadmeShowsTheInMemoryFixtureAsItIs() throws Exception {
        String fixture = Files.readString(
                Path.of("src/test/java/io/switchboard/inmemory/InMemoryCompatibilityTest.java"));
        String shown = fixture.substring(fixture.indexOf("import ")).strip();
        String readme = Files.readString(Path.of("../README.md"));
        assertThat(readme).contains("```java\n" + shown + "\n```");
    }
}
