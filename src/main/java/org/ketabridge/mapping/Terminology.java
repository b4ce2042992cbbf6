package org.ketabridge.mapping;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ConceptMap;
import org.hl7.fhir.r4.model.Questionnaire;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.hl7.fhir.r4.model.Type;
import org.hl7.fhir.r4.model.ValueSet;
import org.ketabridge.config.Clinic;
import org.ketabridge.config.ClinicRegistry;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.stereotype.Component;

/**
 * The mapping knowledge of {@code fhir-mapping/}, loaded once: KetaBridge's CodeSystems (the
 * contract's own vocabulary) and the ConceptMaps from it to LOINC, SNOMED CT, RxNorm, UCUM and
 * ICD-10-CM. A clinic may override entries with ConceptMaps of the same url in its
 * {@code mapping-overrides} folder: an override replaces, per source code and target system, the
 * standard entry. The mapping code asks here; it holds no clinical code itself.
 */
@Component
public class Terminology {

    private final Map<String, CodeSystem> codeSystems = new HashMap<>();
    private final List<StructureDefinition> structureDefinitions = new ArrayList<>();
    private final List<ValueSet> valueSets = new ArrayList<>();
    private final List<Questionnaire> questionnaires = new ArrayList<>();
    private final Map<String, MapTable> maps = new HashMap<>();
    private final Map<String, Map<String, MapTable>> clinicOverrides = new HashMap<>();

    @Autowired
    public Terminology(FhirContext fhir, ClinicRegistry clinics) throws IOException {
        this(fhir);
        var parser = fhir.newJsonParser();
        for (Clinic clinic : clinics.all()) {
            if (clinic.mappingOverrides() != null) {
                clinicOverrides.put(clinic.id(), loadOverrides(parser, clinic.mappingOverrides()));
            }
        }
    }

    /** The standard knowledge of {@code fhir-mapping/} alone, without any clinic's overrides: for use without Spring. */
    public Terminology(FhirContext fhir) throws IOException {
        var parser = fhir.newJsonParser();
        Resource[] files = new PathMatchingResourcePatternResolver().getResources("classpath*:fhir-mapping/**/*.json");
        for (Resource file : files) {
            try (InputStream in = file.getInputStream()) {
                IBaseResource parsed = parser.parseResource(in);
                if (parsed instanceof CodeSystem cs) {
                    codeSystems.put(cs.getIdElement().getIdPart(), cs);
                } else if (parsed instanceof ConceptMap cm) {
                    maps.put(cm.getIdElement().getIdPart(), MapTable.of(cm));
                } else if (parsed instanceof StructureDefinition sd) {
                    structureDefinitions.add(sd);
                } else if (parsed instanceof ValueSet vs) {
                    valueSets.add(vs);
                } else if (parsed instanceof Questionnaire q) {
                    questionnaires.add(q);
                }
            }
        }
        if (codeSystems.isEmpty() || maps.isEmpty()) {
            throw new IllegalStateException("No mapping knowledge found on the classpath under fhir-mapping/");
        }
    }

    private Map<String, MapTable> loadOverrides(IParser parser, Path folder) throws IOException {
        Map<String, MapTable> overrides = new HashMap<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).toList()) {
                try (InputStream in = Files.newInputStream(file)) {
                    if (parser.parseResource(in) instanceof ConceptMap cm) {
                        String id = cm.getUrl() != null && cm.getUrl().startsWith(Codes.BASE + "/ConceptMap/")
                                ? cm.getUrl().substring((Codes.BASE + "/ConceptMap/").length()) : cm.getIdElement().getIdPart();
                        overrides.put(id, MapTable.of(cm));
                    }
                }
            }
        }
        return overrides;
    }

    /** KetaBridge's extensions and profiles (fhir-mapping/profiles/), for the validator. */
    public List<StructureDefinition> structureDefinitions() {
        return Collections.unmodifiableList(structureDefinitions);
    }

    /** The ValueSets of fhir-mapping/ (the REMS form's answers), for the validator. */
    public List<ValueSet> valueSets() {
        return Collections.unmodifiableList(valueSets);
    }

    /** The Questionnaires of fhir-mapping/ (the REMS Patient Monitoring Form), for the validator and the form's filler. */
    public List<Questionnaire> questionnaires() {
        return Collections.unmodifiableList(questionnaires);
    }

    /** KetaBridge's own CodeSystems, for the validator (and, later, for auditors). */
    public Collection<CodeSystem> codeSystems() {
        return Collections.unmodifiableCollection(codeSystems.values());
    }

    /** A code of KetaBridge's own vocabulary, with its display; an unknown code is a mapping error. */
    public Coding local(String vocabulary, String code) {
        CodeSystem cs = codeSystems.get(vocabulary);
        if (cs == null) {
            throw new MappingException("no CodeSystem '" + vocabulary + "' in fhir-mapping/");
        }
        return cs.getConcept().stream().filter(c -> c.getCode().equals(code)).findFirst()
                .map(c -> new Coding(cs.getUrl(), c.getCode(), c.getDisplay()))
                .orElseThrow(() -> new MappingException("code '" + code + "' is not in CodeSystem " + vocabulary));
    }

    /** The standard codings a source code maps to in the named ConceptMap (clinic's override first). */
    public List<Coding> translate(Clinic clinic, String mapId, String code) {
        MapTable standard = maps.get(mapId);
        if (standard == null) {
            throw new MappingException("no ConceptMap '" + mapId + "' in fhir-mapping/");
        }
        MapTable override = clinicOverrides.getOrDefault(clinic.id(), Map.of()).get(mapId);
        Map<String, List<Coding>> bySystem = new LinkedHashMap<>(standard.targets(code));
        if (override != null) {
            bySystem.putAll(override.targets(code));
        }
        List<Coding> codings = new ArrayList<>();
        bySystem.values().forEach(list -> list.forEach(c -> codings.add(c.copy())));
        return codings;
    }

    /**
     * The source code of the named ConceptMap that maps to {@code targetCode} in {@code targetSystem}
     * (clinic's override first, as {@link #translate}): the reverse of a translation, for a channel
     * that receives standard codes (HL7 v2's RXA-5 as an RxNorm code). Empty when no source code maps
     * to it, or when more than one does (the code cannot tell which one was meant).
     */
    public Optional<String> sourceOf(Clinic clinic, String mapId, String targetSystem, String targetCode) {
        MapTable standard = maps.get(mapId);
        if (standard == null) {
            throw new MappingException("no ConceptMap '" + mapId + "' in fhir-mapping/");
        }
        MapTable override = clinicOverrides.getOrDefault(clinic.id(), Map.of()).get(mapId);
        Set<String> sources = new TreeSet<>(standard.bySource().keySet());
        if (override != null) {
            sources.addAll(override.bySource().keySet());
        }
        List<String> matches = sources.stream()
                .filter(source -> translate(clinic, mapId, source).stream()
                        .anyMatch(c -> targetSystem.equals(c.getSystem()) && targetCode.equals(c.getCode())))
                .toList();
        return matches.size() == 1 ? Optional.of(matches.get(0)) : Optional.empty();
    }

    /**
     * The severity band of an instrument's total, from CodeSystem-severity (its concepts carry
     * instrument, low and high); empty for instruments without bands.
     */
    public Optional<Coding> severity(String instrument, int total) {
        CodeSystem cs = codeSystems.get("severity");
        if (cs == null) {
            return Optional.empty();
        }
        return cs.getConcept().stream()
                .filter(c -> instrument.equals(property(c, "instrument").map(v -> v.primitiveValue()).orElse(null)))
                .filter(c -> total >= property(c, "low").map(v -> Integer.parseInt(v.primitiveValue())).orElse(Integer.MAX_VALUE)
                        && total <= property(c, "high").map(v -> Integer.parseInt(v.primitiveValue())).orElse(Integer.MIN_VALUE))
                .findFirst()
                .map(c -> new Coding(cs.getUrl(), c.getCode(), c.getDisplay()));
    }

    private static Optional<Type> property(
            CodeSystem.ConceptDefinitionComponent concept, String code) {
        return concept.getProperty().stream().filter(p -> code.equals(p.getCode())).findFirst().map(p -> p.getValue());
    }

    /** The UCUM unit of a measure of the contract ({@code doseMg}, {@code heartRate}, ...). */
    public Coding unit(Clinic clinic, String measure) {
        List<Coding> units = translate(clinic, "unit", measure);
        if (units.isEmpty()) {
            throw new MappingException("no UCUM unit for measure '" + measure + "' in ConceptMap-unit");
        }
        return units.get(0);
    }

    /** One ConceptMap as lookups: source code → target system → target codings. */
    private record MapTable(Map<String, Map<String, List<Coding>>> bySource) {

        static MapTable of(ConceptMap map) {
            Map<String, Map<String, List<Coding>>> bySource = new HashMap<>();
            for (var group : map.getGroup()) {
                for (var element : group.getElement()) {
                    for (var target : element.getTarget()) {
                        bySource.computeIfAbsent(element.getCode(), k -> new LinkedHashMap<>())
                                .computeIfAbsent(group.getTarget(), k -> new ArrayList<>())
                                .add(new Coding(group.getTarget(), target.getCode(), target.getDisplay()));
                    }
                }
            }
            return new MapTable(bySource);
        }

        Map<String, List<Coding>> targets(String code) {
            return bySource.getOrDefault(code, Map.of());
        }
    }
}
