// Swagger UI over the bridge's own API document. Its servers entry is this bridge ("/", or the
// public URL a proxy names), so "Try it out" calls the bridge the page came from, with the token
// pasted under "Authorize". No validator badge: it would send the document to an outside service.
window.ui = SwaggerUIBundle({
  url: '/api/v1/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout'
});
