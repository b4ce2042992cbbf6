package org.ketabridge.web;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.ViewControllerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The API page's stable address, {@code /api/docs}: the Swagger UI page in
 * {@code static/api/docs/}, whose assets come from the swagger-ui webjar under {@code /webjars/}.
 * The document it shows is generated from the routes' REST DSL (routes/openapi.yaml).
 */
@Configuration
public class ApiDocsPage implements WebMvcConfigurer {

    public static final String PATH = "/api/docs";

    @Override
    public void addViewControllers(ViewControllerRegistry registry) {
        registry.addViewController(PATH).setViewName("forward:" + PATH + "/index.html");
    }
}
