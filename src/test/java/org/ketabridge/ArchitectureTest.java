package org.ketabridge;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The bridge's main code follows the layout's rules ({@link ArchitectureRules}; ARCHITECTURE.md,
 * "Packages"): a package's name says what it holds only while these hold.
 */
@AnalyzeClasses(packages = "org.ketabridge", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    private static final String ROOT = "org.ketabridge";

    @ArchTest
    static final ArchRule NO_PACKAGE_CYCLES = ArchitectureRules.noPackageCycles(ROOT);

    @ArchTest
    static final ArchRule MAPPING_DOES_NO_IO = ArchitectureRules.mappingDoesNoIo(ROOT);

    @ArchTest
    static final ArchRule ONLY_EHR_TALKS_TO_AN_EHR = ArchitectureRules.onlyEhrTalksToAnEhr(ROOT);

    @ArchTest
    static final ArchRule ONLY_DB_RUNS_SQL = ArchitectureRules.onlyDbRunsSql(ROOT);

    @ArchTest
    static final ArchRule CHANNELS_REACH_THE_DATABASE_ONLY_THROUGH_INTAKE =
            ArchitectureRules.channelsReachTheDatabaseOnlyThroughIntake(ROOT);

    @ArchTest
    static final ArchRule INTAKE_IS_CHANNEL_AGNOSTIC = ArchitectureRules.intakeIsChannelAgnostic(ROOT);
}
