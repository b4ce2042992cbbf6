package org.ketabridge.validation;

import ca.uhn.fhir.context.BaseRuntimeChildDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementCompositeDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementDefinition;
import ca.uhn.fhir.context.FhirContext;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Base;

/**
 * An element's children in the model's fixed order, read as HAPI's FhirTerser reads them: through
 * the context's cached definitions and their accessors, which hand out the element's own lists.
 * {@code Base.children()} builds a Property and a list for every child, present or not, and
 * costs the gate ten times what mapping a record does.
 */
final class ElementChildren {

    private final FhirContext fhir;

    ElementChildren(FhirContext fhir) {
        this.fhir = fhir;
    }

    /** The element's child definitions (none for a primitive: its extensions are read from it directly). */
    List<BaseRuntimeChildDefinition> of(Base element) {
        BaseRuntimeElementDefinition<?> definition = element instanceof IBaseResource resource
                ? fhir.getResourceDefinition(resource) : fhir.getElementDefinition(element.getClass());
        return definition instanceof BaseRuntimeElementCompositeDefinition<?> composite ? composite.getChildren() : List.of();
    }
}
