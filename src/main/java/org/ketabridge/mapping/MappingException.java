package org.ketabridge.mapping;

/** A stored record could not become FHIR. Never retried: the same input maps the same way. */
public class MappingException extends RuntimeException {

    public MappingException(String message) {
        super(message);
    }
}
