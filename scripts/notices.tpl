{{range .}}
### {{.Name}} {{.Version}}

Licence: {{.LicenseName}}{{if and .LicenseURL (ne .LicenseURL "Unknown")}} ({{.LicenseURL}}){{end}}

```
{{.LicenseText}}
```
{{end}}
