package org.ketabridge.console;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import org.ketabridge.web.RequestIds;
import org.springframework.boot.autoconfigure.web.servlet.error.ErrorViewResolver;
import org.springframework.http.HttpStatus;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.ModelAndView;

/**
 * What a console user sees when a page fails unexpectedly (an exception, a page that cannot be
 * drawn, a request Spring MVC refuses): the console's error page, with the status and the
 * request's id (what the operator finds in the logs and the access audit), nothing of the error
 * itself. Spring Boot sends every failure to {@code /error}; its error dispatch stays on the
 * console's chain ({@link #CONSOLE_ERROR}, ConsoleSecurity), and this resolver picks the page
 * for the failures of console paths. Everything else keeps Spring Boot's own answer (the API's
 * errors are problem+json from its own handlers anyway).
 */
@Component
class ConsoleErrorPages implements ErrorViewResolver {

    /** The error dispatch of a request to a console path. */
    static final RequestMatcher CONSOLE_ERROR = ConsoleErrorPages::isConsoleError;

    private static boolean isConsoleError(HttpServletRequest request) {
        if (request.getDispatcherType() != DispatcherType.ERROR) {
            return false;
        }
        String console = request.getContextPath() + "/console";
        return request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI) instanceof String failed
                && (failed.equals(console) || failed.startsWith(console + "/"));
    }

    @Override
    public ModelAndView resolveErrorView(HttpServletRequest request, HttpStatus status, Map<String, Object> model) {
        if (!isConsoleError(request)) {
            return null;
        }
        ModelAndView page = new ModelAndView("console/error", status);
        page.addObject("status", status.value());
        page.addObject("requestId", request.getAttribute(RequestIds.ATTRIBUTE));
        return page;
    }
}
