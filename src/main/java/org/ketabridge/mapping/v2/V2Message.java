package org.ketabridge.mapping.v2;

/**
 * One HL7 v2.5.1 message for one record version: its control id (MSH-10, stable per record
 * version), its type ({@code ADT^A04}, ...), and the message itself in ER7 (segments ended by CR).
 * {@link #toString} names the control id and type only: the text holds patient data.
 */
public record V2Message(String controlId, String type, String er7) {

    @Override
    public String toString() {
        return "V2Message[" + type + " " + controlId + "]";
    }
}
