// Imported first by main.tsx, before anything that styles itself at import time: the toast
// library (goober) writes one <style> element, which the page's Content-Security-Policy allows
// only with the nonce the server put in <meta property="csp-nonce">. goober reads it from
// window.__nonce__ when it creates that element.
const meta = document.querySelector<HTMLMetaElement>('meta[property="csp-nonce"]');
if (meta?.nonce) (window as Window & { __nonce__?: string }).__nonce__ = meta.nonce;
