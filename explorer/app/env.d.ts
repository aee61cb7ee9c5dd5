// Vite handles asset imports (the stylesheet) at build time.
/// <reference types="vite/client" />
