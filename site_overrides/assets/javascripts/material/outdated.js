// Material's partials/javascripts/outdated.html (mkdocs-material 9.8.1), moved from an inline
// <script> into a file so the Content-Security-Policy needs no 'unsafe-inline' (main.html).
// The base URL comes from this tag's data-md-base attribute.
var el=document.querySelector("[data-md-component=outdated]"),base=new URL(document.currentScript.getAttribute("data-md-base")),outdated=__md_get("__outdated",sessionStorage,base);!0===outdated&&el&&(el.hidden=!1)
