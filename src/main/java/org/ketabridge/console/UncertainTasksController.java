package org.ketabridge.console;

import jakarta.servlet.http.HttpServletResponse;
import java.util.Optional;
import org.ketabridge.config.Clinic;
import org.ketabridge.db.SyncQueue;
import org.ketabridge.sync.UncertainTasks;
import org.ketabridge.sync.UncertainTasks.Finding;
import org.ketabridge.sync.UncertainTasks.Settled;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * A clinic's uncertain tasks (issue 13; the API's {@code /sync/uncertain}): records whose create
 * may have reached the EHR (its answer was lost) where the EHR offers no search to tell, and their
 * settling as clinic IT found the EHR ({@link UncertainTasks#settle}): "it is there as
 * {@code Type/id}" (adopted, nothing created) at once, refused on the list page with why when the
 * reference is not one or names a type the task is not uncertain about; "it is not there" only
 * after a confirmation page, since the bridge then creates it and a wrong answer writes a
 * duplicate into the EHR. A task not uncertain (any more), or of another clinic: not found.
 */
@Controller
class UncertainTasksController {

    private static final String PAGE = "/console/clinics/{clinicId}/uncertain";

    private final ConsoleScope scope;
    private final SyncQueue queue;
    private final UncertainTasks uncertain;

    UncertainTasksController(ConsoleScope scope, SyncQueue queue, UncertainTasks uncertain) {
        this.scope = scope;
        this.queue = queue;
        this.uncertain = uncertain;
    }

    @GetMapping(PAGE)
    String list(@PathVariable String clinicId, Authentication authentication, Model model) {
        return listPage(scope.clinic(authentication, clinicId), model);
    }

    @PostMapping(PAGE + "/{taskId}/in-ehr")
    String inEhr(@PathVariable String clinicId, @PathVariable long taskId, @RequestParam(defaultValue = "") String reference,
                 Authentication authentication, Model model, HttpServletResponse response, RedirectAttributes redirect) {
        Clinic clinic = scope.clinic(authentication, clinicId);
        SyncQueue.UncertainTask task = uncertainTask(clinic, taskId);
        // Copied from the EHR's screen, often with a space around it.
        String typed = reference.strip();
        Optional<Finding.InEhr> found = Finding.InEhr.of(typed);
        if (found.isEmpty()) {
            return refused(clinic, model, response, HttpStatus.BAD_REQUEST, taskId, typed, Finding.InEhr.notAReference(typed));
        }
        Settled settled = uncertain.settle(clinic.id(), taskId, found.get());
        if (settled instanceof Settled.WrongType wrong) {
            return refused(clinic, model, response, HttpStatus.CONFLICT, taskId, typed, wrong.why());
        }
        Settled.Due due = due(settled);
        redirect.addFlashAttribute("settled", due.adopted() == null
                ? describe(task) + " had nothing left to settle (another task took its question over): it goes again now."
                : describe(task) + " settled: the EHR holds it as " + due.adopted()
                        + ". The bridge keeps that id and sends the record's later changes there; nothing is created.");
        return backToList(clinic);
    }

    @GetMapping(PAGE + "/{taskId}/not-in-ehr")
    String confirmNotInEhr(@PathVariable String clinicId, @PathVariable long taskId, Authentication authentication, Model model) {
        Clinic clinic = scope.clinic(authentication, clinicId);
        model.addAttribute("clinic", clinic);
        model.addAttribute("task", uncertainTask(clinic, taskId));
        return "console/uncertain-confirm";
    }

    @PostMapping(PAGE + "/{taskId}/not-in-ehr")
    String notInEhr(@PathVariable String clinicId, @PathVariable long taskId, Authentication authentication,
                    RedirectAttributes redirect) {
        Clinic clinic = scope.clinic(authentication, clinicId);
        SyncQueue.UncertainTask task = uncertainTask(clinic, taskId);
        due(uncertain.settle(clinic.id(), taskId, new Finding.NotInEhr()));
        redirect.addFlashAttribute("settled", describe(task) + " settled: not in the EHR. The bridge creates it there now.");
        return backToList(clinic);
    }

    private String listPage(Clinic clinic, Model model) {
        model.addAttribute("clinic", clinic);
        model.addAttribute("uncertain", queue.uncertain(clinic.id()));
        return "console/uncertain";
    }

    /** The list again, with why this settling was refused next to its task and what was typed kept; nothing changed. */
    private String refused(Clinic clinic, Model model, HttpServletResponse response, HttpStatus status, long taskId,
                           String typed, String why) {
        response.setStatus(status.value());
        model.addAttribute("refusedTask", taskId);
        model.addAttribute("refusedReference", typed);
        model.addAttribute("refusal", why);
        return listPage(clinic, model);
    }

    private SyncQueue.UncertainTask uncertainTask(Clinic clinic, long taskId) {
        return queue.uncertain(clinic.id(), taskId).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND));
    }

    /** Settled, or (someone settled it between the look and now) not found. */
    private static Settled.Due due(Settled settled) {
        if (settled instanceof Settled.Due due) {
            return due;
        }
        throw new ResponseStatusException(HttpStatus.NOT_FOUND);
    }

    private static String describe(SyncQueue.UncertainTask task) {
        return "Task " + task.id() + " (" + task.kind() + " " + task.recordId() + ", version " + task.version() + ")";
    }

    private static String backToList(Clinic clinic) {
        return "redirect:/console/clinics/" + clinic.id() + "/uncertain";
    }
}
