package sim

import "net/http"

// IndexHTML is the web app's index.html, which the upstream server answers to
// any GET it has no route for (and, once V0 was removed, to every GET).
const IndexHTML = `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8" />
    <link rel="icon" type="image/svg+xml" href="/favicon.ico" />
    <meta name="viewport" content="width=device-width, initial-scale=1.0" />
    <title>OpenHands</title>
    <script type="module" crossorigin src="/assets/index-sim.js"></script>
    <link rel="stylesheet" crossorigin href="/assets/index-sim.css">
  </head>
  <body>
    <div id="root"></div>
  </body>
</html>
`

// MaintenanceHTML is the "System Maintenance" page the hosted service
// answered, with status 500, to routes that need a live conversation when
// they were called on the app host instead of the conversation's runtime host.
const MaintenanceHTML = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>System Maintenance</title>
<style>body{font-family:sans-serif;text-align:center;padding:80px}h1{font-size:40px}</style>
</head>
<body>
<h1>System Maintenance</h1>
<p>We&rsquo;re performing scheduled maintenance. We&rsquo;ll be back shortly.</p>
<p>&mdash; The OpenHands Team</p>
</body>
</html>
`

func writeIndex(w http.ResponseWriter) {
	writeBody(w, http.StatusOK, contentHTML, []byte(IndexHTML))
}

func writeMaintenance(w http.ResponseWriter) {
	writeBody(w, http.StatusInternalServerError, contentHTML, []byte(MaintenanceHTML))
}
