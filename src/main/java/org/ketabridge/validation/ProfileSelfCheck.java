package org.ketabridge.validation;

import ca.uhn.fhir.context.BaseRuntimeChildDefinition;
import ca.uhn.fhir.context.FhirContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.hl7.fhir.instance.model.api.IBase;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.QuestionnaireResponse;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r5.context.IWorkerContext;
import org.hl7.fhir.r5.model.ElementDefinition;
import org.hl7.fhir.r5.model.StructureDefinition;
import org.ketabridge.mapping.MappedRecord;
import org.ketabridge.mapping.MappedResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Before the gate admits a shape: the rules of every definition its records use (their resource
 * types, datatypes, claimed profiles, extensions and the type profiles those name, read from the
 * validator's own snapshots) must each be structure-only or implemented by {@link FastCheck}
 * ({@link ConstraintRules}). The rules: ElementDefinition constraints of severity error (a warning
 * never makes a verdict), slicing discriminators, and the element limits that read values as
 * HAPI's InstanceValidator applies them (maxLength, minValue, maxValue, maxDecimalPlaces, a required
 * binding on a string the shape has a value for, a fixed or pattern value with a value outside the shape),
 * and a QuestionnaireResponse's Questionnaire (its items' rules read answers' values).
 * A shape with any other rule is never admitted; each such rule is logged once.
 */
@Component
public class ProfileSelfCheck {

    private static final Logger log = LoggerFactory.getLogger(ProfileSelfCheck.class);
    private static final String CORE = "http://hl7.org/fhir/StructureDefinition/";
    private static final String BINDING = "binding";
    private static final String MAX_DECIMAL_PLACES = CORE + "maxDecimalPlaces";
    private static final Set<String> INTEGER_TYPES = Set.of(CORE + "integer", CORE + "positiveInt", CORE + "unsignedInt");

    /** One rule of a definition, and whether the gate may skip the validator for it. */
    record Rule(String definition, String path, String key, String expression, boolean covered) {
        @Override
        public String toString() {
            return key + " at " + path + " (" + definition + "): " + expression;
        }
    }

    private final ResourceValidator validator;
    private final ElementChildren children;
    private final Map<String, List<Rule>> rulesByDefinition = new ConcurrentHashMap<>();
    private final Set<String> logged = ConcurrentHashMap.newKeySet();

    public ProfileSelfCheck(ResourceValidator validator, FhirContext fhir) {
        this.validator = validator;
        this.children = new ElementChildren(fhir);
    }

    /**
     * What a shape uses: the canonical urls of its definitions, the paths of its string values (as
     * {@code Resource.path} and as {@code Type.element}), against which a binding on a string
     * applies, and the Questionnaires its QuestionnaireResponses answer.
     */
    public record Usage(Set<String> definitions, Set<String> stringPaths, Set<String> questionnaires) {
    }

    /** Whether every rule of every definition this record's shape uses is covered; logs each uncovered rule once. */
    public boolean admits(MappedRecord record) {
        List<Rule> uncovered = uncoveredRules(usageOf(record));
        for (Rule rule : uncovered) {
            if (logged.add(rule.key() + " " + rule.definition())) {
                log.warn("validation gate: shapes using {} are never admitted: {} reads values the fast check does not check",
                        rule.definition(), rule);
            }
        }
        return uncovered.isEmpty();
    }

    /** The rules of a shape's definitions (and of the type profiles they name) that the gate may not skip the validator for. */
    public List<Rule> uncoveredRules(Usage usage) {
        List<Rule> uncovered = new ArrayList<>(rules(usage.definitions()).stream()
                .filter(r -> !r.covered())
                .filter(r -> !r.key().equals(BINDING) || usage.stringPaths().contains(r.path().replace("[x]", "")))
                .toList());
        // HAPI checks a response's answers against its Questionnaire's items: their types, but also
        // values (minValue, maxLength, enableWhen on an answer, answer options), none of it in a
        // StructureDefinition and none of it in the fast check. So such a shape is never admitted.
        for (String questionnaire : usage.questionnaires()) {
            uncovered.add(new Rule(questionnaire, "QuestionnaireResponse.item", "questionnaire",
                    "answers checked against the Questionnaire's items, values included", false));
        }
        return uncovered;
    }

    /** Every rule of these definitions and the type profiles they name. */
    List<Rule> rules(Set<String> definitions) {
        List<Rule> all = new ArrayList<>();
        Set<String> seen = new TreeSet<>();
        List<String> pending = new ArrayList<>(definitions);
        while (!pending.isEmpty()) {
            String url = pending.remove(pending.size() - 1);
            if (seen.add(url)) {
                all.addAll(rulesByDefinition.computeIfAbsent(url, this::readRules));
                pending.addAll(typeProfiles(url));
            }
        }
        return all;
    }

    /** The definitions a record uses (resource types, datatypes, claimed profiles, extensions) and where its strings are. */
    public Usage usageOf(MappedRecord record) {
        Usage usage = new Usage(new TreeSet<>(), new TreeSet<>(), new TreeSet<>());
        for (MappedResource r : record.resources()) {
            collect(r.resource(), r.resource().fhirType(), null, usage);
        }
        return usage;
    }

    private void collect(Base element, String path, Base parent, Usage usage) {
        Set<String> urls = usage.definitions();
        String type = element.fhirType();
        if (type.equals("string") || type.equals("markdown")) {
            usage.stringPaths().add(path);
            usage.stringPaths().add(parent.fhirType() + path.substring(path.lastIndexOf('.')));
        }
        if (type.indexOf('.') < 0) {
            urls.add(CORE + type); // a backbone element's rules are in its resource's definition
        }
        if (element instanceof Resource resource) {
            for (CanonicalType profile : resource.getMeta().getProfile()) {
                urls.add(profile.getValue());
            }
        }
        if (element instanceof QuestionnaireResponse response && response.hasQuestionnaire()) {
            usage.questionnaires().add(response.getQuestionnaire());
        }
        if (element instanceof Extension e && e.getUrl() != null) {
            urls.add(e.getUrl());
        }
        String base = element instanceof Extension ? "Extension" : path; // an extension's rules are in its own definition
        if (element instanceof org.hl7.fhir.r4.model.PrimitiveType<?> p) {
            p.getExtension().forEach(e -> collect(e, "Extension", element, usage));
        }
        for (BaseRuntimeChildDefinition child : children.of(element)) {
            for (IBase value : child.getAccessor().getValues(element)) {
                if (value != null && !((Base) value).isEmpty()) {
                    collect((Base) value, base + "." + child.getElementName(), element, usage);
                }
            }
        }
    }

    private List<Rule> readRules(String url) {
        StructureDefinition sd = definitions().fetchResource(StructureDefinition.class, url);
        if (sd == null || !sd.hasSnapshot()) {
            return List.of(new Rule(url, "", "definition", "not known to the validator", false));
        }
        List<Rule> rules = new ArrayList<>();
        for (ElementDefinition e : sd.getSnapshot().getElement()) {
            for (ElementDefinition.ElementDefinitionConstraintComponent c : e.getConstraint()) {
                if (c.getSeverity() == ElementDefinition.ConstraintSeverity.ERROR) {
                    rules.add(new Rule(url, e.getPath(), c.getKey(), c.getExpression(),
                            ConstraintRules.covered(c.getKey(), c.getExpression())));
                }
            }
            if (e.hasSlicing()) {
                for (var d : e.getSlicing().getDiscriminator()) {
                    String type = d.getType() == null ? "?" : d.getType().toCode();
                    rules.add(new Rule(url, e.getPath(), "slicing " + type, d.getPath(),
                            ConstraintRules.discriminatorCovered(type, d.getPath())));
                }
            }
            if (e.hasMaxLength() && e.getMaxLength() < PrimitiveFormats.MAX_STRING) {
                rules.add(new Rule(url, e.getPath(), "maxLength", String.valueOf(e.getMaxLength()), false));
            }
            if (e.hasMinValue() || e.hasMaxValue()) {
                // an integer type's own range is its format's (PrimitiveFormats); any other range is not checked
                rules.add(new Rule(url, e.getPath(), "minValue/maxValue", "a value's range", INTEGER_TYPES.contains(url)));
            }
            if (e.hasExtension(MAX_DECIMAL_PLACES)) {
                // the fast check's decimals have at most 10 places
                String places = e.getExtensionByUrl(MAX_DECIMAL_PLACES).getValue().primitiveValue();
                rules.add(new Rule(url, e.getPath(), "maxDecimalPlaces", places, Integer.parseInt(places) >= 10));
            }
            // a required binding is an error when missed (weaker ones warn); on a code it reads the shape, on a string a value
            if (e.hasBinding() && e.getBinding().getStrength() == org.hl7.fhir.r5.model.Enumerations.BindingStrength.REQUIRED
                    && e.getType().stream().anyMatch(t -> "string".equals(t.getCode()) || "markdown".equals(t.getCode()))) {
                rules.add(new Rule(url, e.getPath(), BINDING, "a string's value bound to a value set", false));
            }
            if (e.hasFixed() || e.hasPattern()) {
                org.hl7.fhir.r5.model.DataType value = e.hasFixed() ? e.getFixed() : e.getPattern();
                rules.add(new Rule(url, e.getPath(), e.hasFixed() ? "fixed" : "pattern", value.fhirType(),
                        ConstraintRules.onlyKeyedValues(value)));
            }
        }
        return rules;
    }

    /** The profiles a definition names for its elements' types (e.g. SimpleQuantity), read in turn. */
    private List<String> typeProfiles(String url) {
        StructureDefinition sd = definitions().fetchResource(StructureDefinition.class, url);
        List<String> profiles = new ArrayList<>();
        if (sd != null && sd.hasSnapshot()) {
            for (ElementDefinition e : sd.getSnapshot().getElement()) {
                for (ElementDefinition.TypeRefComponent t : e.getType()) {
                    t.getProfile().forEach(p -> profiles.add(p.getValue()));
                }
            }
        }
        return profiles;
    }

    private IWorkerContext definitions() {
        return validator.definitions();
    }
}
