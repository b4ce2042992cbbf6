package org.ketabridge.ehr.fhir;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.fge.jsonpatch.JsonPatch;
import com.github.fge.jsonpatch.JsonPatchException;
import com.github.fge.jsonpatch.diff.JsonDiff;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The JSON Patch (RFC 6902) that a {@code create-patch} type's later version is sent as: what
 * changed between the body the bridge last sent of the resource and the body it sends now. A
 * member the bridge never sent is never named, so what the EHR added to the resource (its own
 * identifiers, a narrative, a location) stays as it is.
 *
 * <p>The difference is computed by json-patch's {@code JsonDiff} ({@code io.dogote:json-patch}, the
 * library HAPI's own server applies JSON Patches with), then made safe to apply to a resource
 * that is not exactly what the bridge sent:
 * <ul>
 * <li>{@code copy} and {@code move} become {@code add} and {@code remove} with the values spelled
 *     out: copying from a place in the EHR's resource would copy what the EHR holds there;
 * <li>{@code replace} of an object's member becomes {@code add}, which sets it whether or not the
 *     EHR still has it (a {@code replace} of a missing member fails);
 * <li>every operation that reaches into an array element by its index is preceded by
 *     {@code test}s that the element still holds what the bridge last sent there (each member it
 *     sent, so members the EHR added to the element do not matter): an EHR that inserted elements
 *     of its own before the bridge's, or changed the bridge's, makes the patch fail (the EHR
 *     refuses it) instead of changing an element that is not the bridge's.
 * </ul>
 */
final class ChangePatch {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ChangePatch() {
    }

    /**
     * The patch from {@code lastSent} to {@code now} (both FHIR JSON of one resource); an empty
     * array when they say the same.
     */
    static ArrayNode between(String lastSent, String now) {
        JsonNode before = read(lastSent);
        JsonNode diff = JsonDiff.asJson(before, read(now));
        ArrayNode patch = JSON.createArrayNode();
        // What the resource looks like at each step (the operations apply in order).
        JsonNode doc = before.deepCopy();
        for (JsonNode op : diff) {
            String path = op.get("path").asText();
            switch (op.get("op").asText()) {
                case "add" -> doc = emit(patch, doc, guard(doc, path, true), op("add", path, op.get("value")));
                case "replace" -> doc = emit(patch, doc, guard(doc, path, false),
                        op(memberOfAnObject(doc, path) ? "add" : "replace", path, op.get("value")));
                case "remove" -> doc = emit(patch, doc, guard(doc, path, false), op("remove", path, null));
                case "copy" -> {
                    JsonNode value = doc.at(op.get("from").asText()).deepCopy();
                    doc = emit(patch, doc, guard(doc, path, true), op("add", path, value));
                }
                case "move" -> {
                    String from = op.get("from").asText();
                    JsonNode value = doc.at(from).deepCopy();
                    doc = emit(patch, doc, guard(doc, from, false), op("remove", from, null));
                    doc = emit(patch, doc, guard(doc, path, true), op("add", path, value));
                }
                default -> throw new IllegalStateException("JsonDiff made a '" + op.get("op").asText() + "' operation");
            }
        }
        return patch;
    }

    /** Appends the guard's tests and the operation; returns the document as it is after the operation. */
    private static JsonNode emit(ArrayNode patch, JsonNode doc, List<ObjectNode> guard, ObjectNode op) {
        patch.addAll(guard);
        patch.add(op);
        ArrayNode one = JSON.createArrayNode().add(op);
        try {
            return JsonPatch.fromJson(one).apply(doc);
        } catch (IOException | JsonPatchException e) {
            throw new IllegalStateException("a patch computed from the body last sent does not apply to it", e);
        }
    }

    /**
     * {@code test}s that the innermost array element {@code path} goes through holds what the bridge
     * last sent there: each member of it the bridge sent (an element that is no object: itself).
     * None when the path reaches into no array element. For an {@code add}, the path's last step
     * (where in an array to insert) is not an element yet.
     */
    private static List<ObjectNode> guard(JsonNode doc, String path, boolean adds) {
        String[] steps = steps(path);
        JsonNode node = doc;
        String element = null;
        for (int i = 0; i < steps.length && node != null; i++) {
            if (node.isArray()) {
                if (adds && i == steps.length - 1) {
                    break;
                }
                element = "/" + String.join("/", Arrays.copyOfRange(steps, 0, i + 1));
                node = node.get(Integer.parseInt(steps[i]));
            } else {
                node = node.get(unescape(steps[i]));
            }
        }
        if (element == null) {
            return List.of();
        }
        JsonNode sent = doc.at(element);
        if (!sent.isObject()) {
            return List.of(op("test", element, sent.deepCopy()));
        }
        List<ObjectNode> tests = new ArrayList<>();
        String at = element;
        sent.fields().forEachRemaining(member -> tests.add(op("test", at + "/" + escape(member.getKey()),
                member.getValue().deepCopy())));
        return tests;
    }

    private static boolean memberOfAnObject(JsonNode doc, String path) {
        String[] steps = steps(path);
        String parent = steps.length <= 1 ? "" : "/" + String.join("/", Arrays.copyOfRange(steps, 0, steps.length - 1));
        return doc.at(parent).isObject();
    }

    /** A JSON Pointer's steps, still escaped ({@code ~0}, {@code ~1}). */
    private static String[] steps(String pointer) {
        return pointer.isEmpty() ? new String[0] : pointer.substring(1).split("/", -1);
    }

    private static String escape(String member) {
        return member.replace("~", "~0").replace("/", "~1");
    }

    private static String unescape(String step) {
        return step.replace("~1", "/").replace("~0", "~");
    }

    private static ObjectNode op(String op, String path, JsonNode value) {
        ObjectNode node = JSON.createObjectNode().put("op", op).put("path", path);
        if (value != null) {
            node.set("value", value);
        }
        return node;
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("not JSON: a body the bridge encoded itself", e);
        }
    }
}
