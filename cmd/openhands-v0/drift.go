package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/openhands-go/openhands-v0/contract"
)

// writeDrift prints a drift result: the verdict line, then each change with
// the SDK methods it breaks and where to edit the spec, then what to run
// next; with all, the reviewed differences by reason.
func writeDrift(w io.Writer, res *contract.DriftResult, all bool) error {
	var b strings.Builder
	b.WriteString(oneLine(res.Verdict) + "\n")
	for _, c := range res.Changes {
		op := c.Operation
		if op == "" {
			op = "-"
		}
		if c.OperationID != "" {
			op += " (" + c.OperationID + ")"
		}
		fmt.Fprintf(&b, "\n%s %s\n", strings.ToUpper(string(c.Severity)), op)
		fmt.Fprintf(&b, "  change: %s [%s]\n", oneLine(c.Change), c.Rule)
		if m := c.Methods(); len(m) > 0 {
			fmt.Fprintf(&b, "  SDK:    %s\n", strings.Join(m, ", "))
		}
		if len(c.SDK.Direct) > 0 && len(c.SDK.Via) > 0 {
			fmt.Fprintf(&b, "  also:   %s (through it)\n", strings.Join(c.SDK.Via, ", "))
		}
		fmt.Fprintf(&b, "  edit:   %s\n", c.Edit)
	}
	if len(res.Next) > 0 {
		b.WriteString("\nnext:\n")
		for i, n := range res.Next {
			fmt.Fprintf(&b, "  %d. %s\n", i+1, n)
		}
	}
	if all {
		n := 0
		for _, g := range res.ReviewedDifferences {
			n += len(g.Findings)
		}
		if res.Reviewed != nil {
			fmt.Fprintf(&b, "\nreviewed differences for %s (%s): %d, by reason\n", res.Reviewed.Name, res.Reviewed.What, n)
		}
		for _, g := range res.ReviewedDifferences {
			fmt.Fprintf(&b, "\n- %s (%d)\n", oneLine(g.Reason), len(g.Findings))
			for _, f := range g.Findings {
				fmt.Fprintf(&b, "    %s\n", oneLine(f.String()))
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
