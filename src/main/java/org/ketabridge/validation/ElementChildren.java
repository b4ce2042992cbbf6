package org.ketabridge.validation;

import ca.uhn.fhir.context.BaseRuntimeChildDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementCompositeDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementDefinition;
import ca.uhn.fhir.context.FhirContext;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBase;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Base;

/**
 * An element's children in the model's fixed order, read as HAPI's FhirTerser reads them: through
 * the context's cached definitions and their accessors, which hand out the element's own lists.
 * {@code Base.children()} builds a Property and a list for every child, present or not, and
 * costs the gate ten times what mapping a record does. The walk reads them through each class's
 * {@link ElementLayout}, worked out once.
 */
final class ElementChildren {

    private final FhirContext fhir;
    private final ClassValue<ElementLayout> layouts = new ClassValue<>() {
        @Override
        protected ElementLayout computeValue(Class<?> type) {
            return ElementLayout.of(type, ElementChildren.this);
        }
    };

    ElementChildren(FhirContext fhir) {
        this.fhir = fhir;
    }

    /** The element's child definitions (none for a primitive: its extensions are read from it directly). */
    List<BaseRuntimeChildDefinition> of(Base element) {
        return of(element.getClass());
    }

    /** The child definitions of a class of element. */
    @SuppressWarnings("unchecked")
    List<BaseRuntimeChildDefinition> of(Class<?> type) {
        BaseRuntimeElementDefinition<?> definition = IBaseResource.class.isAssignableFrom(type)
                ? fhir.getResourceDefinition((Class<? extends IBaseResource>) type)
                : fhir.getElementDefinition((Class<? extends IBase>) type);
        return definition instanceof BaseRuntimeElementCompositeDefinition<?> composite ? composite.getChildren() : List.of();
    }

    /** How the walk reads this element's class (its layout, worked out on the first element of the class). */
    ElementLayout layout(Base element) {
        return layouts.get(element.getClass());
    }
}
