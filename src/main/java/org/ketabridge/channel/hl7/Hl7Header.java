package org.ketabridge.channel.hl7;

/**
 * What an answer needs of a message's MSH, read before the message is parsed (so even a message
 * the bridge refuses gets an ACK that names it): who sent it and to whom, its control id, type,
 * event and version. Parts the message lacks are empty strings.
 */
public record Hl7Header(String sendingApplication, String sendingFacility, String receivingApplication,
                        String receivingFacility, String controlId, String messageType, String event, String version) {

    public static final Hl7Header UNKNOWN = new Hl7Header("", "", "", "", "", "", "", "");

    /** {@code RAS^O17}: for logs and ACK texts (a type and event are not patient data). */
    public String typeAndEvent() {
        return messageType + "^" + event;
    }
}
