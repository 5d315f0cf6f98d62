// Material's partials/javascripts/content.html (mkdocs-material 9.8.1), moved from an inline
// <script> into a file so the Content-Security-Policy needs no 'unsafe-inline' (main.html).
// content-tabs.js is the part Material adds only with the content.tabs.link feature.
var target=document.getElementById(location.hash.slice(1));target&&target.name&&(target.checked=target.name.startsWith("__tabbed_"))
