package org.ketabridge.console;

import jakarta.servlet.http.HttpSession;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ketabridge.config.Clinic;
import org.ketabridge.db.QueueBrowser;
import org.ketabridge.db.SyncQueue;
import org.ketabridge.operations.DeadLetterApi;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.server.ResponseStatusException;

/**
 * A clinic's dead letters with their errors, and their replay as the API does it ({@link SyncQueue}'s
 * replay: a fresh retry budget; a superseded one stays dead, and the page says why): one or all,
 * each after a confirmation page, then a progress page that follows the replayed tasks until none
 * is on its way any more (sent, dead again, or not accepted).
 */
@Controller
class DeadLettersController {

    private static final String BASE = "/console/clinics/{clinicId}";

    private final ConsoleScope scope;
    private final SyncQueue queue;
    private final QueueBrowser browser;
    private final ReplayBatches batches;
    private final Clock clock;

    DeadLettersController(ConsoleScope scope, SyncQueue queue, QueueBrowser browser, ReplayBatches batches, Clock clock) {
        this.scope = scope;
        this.queue = queue;
        this.browser = browser;
        this.batches = batches;
        this.clock = clock;
    }

    @GetMapping(BASE + "/dead-letters")
    String list(@PathVariable String clinicId, Authentication authentication, Model model) {
        Clinic clinic = scope.clinic(authentication, clinicId);
        model.addAttribute("clinic", clinic);
        model.addAttribute("deadLetters", queue.deadLetters(clinic.id()));
        return "console/dead-letters";
    }

    @GetMapping(BASE + "/dead-letters/{taskId}/replay")
    String confirmOne(@PathVariable String clinicId, @PathVariable long taskId, Authentication authentication, Model model) {
        Clinic clinic = scope.clinic(authentication, clinicId);
        SyncQueue.DeadLetter dead = queue.deadLetters(clinic.id()).stream().filter(d -> d.id() == taskId).findFirst()
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
        model.addAttribute("clinic", clinic);
        model.addAttribute("deadLetter", dead);
        return "console/replay-confirm";
    }

    @GetMapping(BASE + "/dead-letters/replay")
    String confirmAll(@PathVariable String clinicId, Authentication authentication, Model model) {
        Clinic clinic = scope.clinic(authentication, clinicId);
        model.addAttribute("clinic", clinic);
        model.addAttribute("count", queue.deadLetters(clinic.id()).size());
        return "console/replay-confirm";
    }

    @PostMapping(BASE + "/dead-letters/{taskId}/replay")
    String replayOne(@PathVariable String clinicId, @PathVariable long taskId, Authentication authentication,
                     HttpSession session) {
        Clinic clinic = scope.clinic(authentication, clinicId);
        SyncQueue.Replay replay = queue.replay(clinic.id(), taskId, clock.instant());
        if (replay instanceof SyncQueue.Replay.NotFound) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND);
        }
        ReplayBatches.Batch batch = replay instanceof SyncQueue.Replay.Superseded s
                ? new ReplayBatches.Batch(clinic.id(), List.of(), List.of(DeadLetterApi.whySuperseded(s)))
                : new ReplayBatches.Batch(clinic.id(), List.of(taskId), List.of());
        return progressPage(clinic, batches.add(session, batch));
    }

    @PostMapping(BASE + "/dead-letters/replay")
    String replayAll(@PathVariable String clinicId, Authentication authentication, HttpSession session) {
        Clinic clinic = scope.clinic(authentication, clinicId);
        SyncQueue.ReplayAll result = queue.replayAll(clinic.id(), clock.instant());
        List<String> skipped = result.superseded().stream().map(DeadLetterApi::whySuperseded).toList();
        return progressPage(clinic, batches.add(session, new ReplayBatches.Batch(clinic.id(), result.replayedTaskIds(), skipped)));
    }

    @GetMapping(BASE + "/replays/{batchId}")
    String progress(@PathVariable String clinicId, @PathVariable String batchId, Authentication authentication,
                    HttpSession session, Model model) {
        Clinic clinic = scope.clinic(authentication, clinicId);
        ReplayBatches.Batch batch = batch(session, clinic, batchId);
        model.addAttribute("clinic", clinic);
        model.addAttribute("batchId", batchId);
        model.addAttribute("skipped", batch.skipped());
        model.addAttribute("progress", progressOf(clinic, batch));
        return "console/replay-progress";
    }

    /** What the progress page's script polls: {@code {total, sent, onItsWay, dead, other, done}}. */
    @GetMapping(BASE + "/replays/{batchId}/progress")
    @ResponseBody
    Map<String, Object> progressJson(@PathVariable String clinicId, @PathVariable String batchId,
                                     Authentication authentication, HttpSession session) {
        Clinic clinic = scope.clinic(authentication, clinicId);
        return progressOf(clinic, batch(session, clinic, batchId));
    }

    private ReplayBatches.Batch batch(HttpSession session, Clinic clinic, String batchId) {
        return batches.find(session, clinic.id(), batchId).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
    }

    private Map<String, Object> progressOf(Clinic clinic, ReplayBatches.Batch batch) {
        Map<String, Integer> statuses = browser.statusesOf(clinic.id(), batch.taskIds());
        int total = batch.taskIds().size();
        int sent = statuses.getOrDefault("sent", 0);
        int onItsWay = statuses.getOrDefault("pending", 0) + statuses.getOrDefault("waiting", 0);
        int dead = statuses.getOrDefault("dead", 0);
        Map<String, Object> progress = new LinkedHashMap<>();
        progress.put("total", total);
        progress.put("sent", sent);
        progress.put("onItsWay", onItsWay);
        progress.put("dead", dead);
        progress.put("other", total - sent - onItsWay - dead);
        progress.put("done", onItsWay == 0);
        return progress;
    }

    private static String progressPage(Clinic clinic, String batchId) {
        return "redirect:/console/clinics/" + clinic.id() + "/replays/" + batchId;
    }
}
