// Material's partials/javascripts/announce.html (mkdocs-material 9.8.1), moved from an inline
// <script> into a file so the Content-Security-Policy needs no 'unsafe-inline' (main.html).
var el=document.querySelector("[data-md-component=announce]");if(el){var content=el.querySelector(".md-typeset");__md_hash(content.innerHTML)===__md_get("__announce")&&(el.hidden=!0)}
