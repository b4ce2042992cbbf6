package org.ketabridge.archfixture.intake;

import jakarta.servlet.http.HttpServletRequest;

/** Breaks "intake is channel-agnostic". */
public class HttpAware {
    public String path(HttpServletRequest request) {
        return request.getRequestURI();
    }
}
