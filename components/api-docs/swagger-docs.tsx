'use client';

import dynamic from 'next/dynamic';
import 'swagger-ui-react/swagger-ui.css';
import './swagger-docs.css';

// Swagger UI touches window and localStorage as it loads: render it in the browser only.
const SwaggerUI = dynamic(() => import('swagger-ui-react'), {
  ssr: false,
  loading: () => (
    <p role="status" className="px-6 py-16 text-center text-sm text-slate-600">
      Loading the API reference…
    </p>
  ),
});

/** Swagger UI's server picker has no label: give it one (axe "select-name"). */
function nameUnnamedControls() {
  document.querySelector('.swagger-docs select#servers')?.setAttribute('aria-label', 'Server');
}

const ALL_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/**
 * The API reference, rendered from /crm/openapi.json. Interactive (superadmins): Authorize with a
 * key and Try it out against this server. Read-only (admins): the same reference and request
 * samples, with no way to send requests from the page.
 */
export function SwaggerDocs({ interactive }: { interactive: boolean }) {
  return (
    <div
      className={`swagger-docs overflow-hidden rounded-xl border border-slate-200 bg-surface ${interactive ? '' : 'swagger-docs--read-only'}`}
    >
      <SwaggerUI
        url="/crm/openapi.json"
        // Deep links are anchors inside each operation's toggle button: nested controls that screen
        // readers cannot reach. The page has no use for them.
        deepLinking={false}
        onComplete={nameUnnamedControls}
        docExpansion="list"
        defaultModelsExpandDepth={-1}
        displayRequestDuration
        persistAuthorization={interactive}
        tryItOutEnabled={interactive}
        supportedSubmitMethods={interactive ? [...ALL_METHODS] : []}
        requestSnippetsEnabled={interactive}
      />
    </div>
  );
}
