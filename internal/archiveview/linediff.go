package archiveview

import (
	"fmt"
	"strings"
)

// diffContext is how many unchanged lines a computed diff shows around a change.
const diffContext = 3

// maxDiffCells bounds the work of a computed diff (old lines x new lines);
// beyond it the diff shows the old text removed and the new one added.
const maxDiffCells = 4 << 20

// lineDiff returns a unified diff of old and new (without file headers), for
// edit observations that carry both contents but no diff of their own.
func lineDiff(oldText, newText string) string {
	a, b := splitLines(oldText), splitLines(newText)
	type op struct {
		kind byte // ' ', '-', '+'
		line string
	}
	var ops []op
	if len(a)*len(b) > maxDiffCells {
		for _, l := range a {
			ops = append(ops, op{'-', l})
		}
		for _, l := range b {
			ops = append(ops, op{'+', l})
		}
	} else {
		// lcs[i][j]: the longest common subsequence of a[i:] and b[j:].
		lcs := make([][]int32, len(a)+1)
		for i := range lcs {
			lcs[i] = make([]int32, len(b)+1)
		}
		for i := len(a) - 1; i >= 0; i-- {
			for j := len(b) - 1; j >= 0; j-- {
				if a[i] == b[j] {
					lcs[i][j] = lcs[i+1][j+1] + 1
				} else {
					lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
				}
			}
		}
		i, j := 0, 0
		for i < len(a) || j < len(b) {
			switch {
			case i < len(a) && j < len(b) && a[i] == b[j]:
				ops = append(ops, op{' ', a[i]})
				i, j = i+1, j+1
			case i < len(a) && (j == len(b) || lcs[i+1][j] >= lcs[i][j+1]):
				ops = append(ops, op{'-', a[i]})
				i++
			default:
				ops = append(ops, op{'+', b[j]})
				j++
			}
		}
	}
	// Keep diffContext lines around each change; mark each kept run with a hunk header.
	keep := make([]bool, len(ops))
	for k, o := range ops {
		if o.kind != ' ' {
			for c := max(0, k-diffContext); c <= min(len(ops)-1, k+diffContext); c++ {
				keep[c] = true
			}
		}
	}
	var out strings.Builder
	oldLine, newLine := 1, 1
	for k := 0; k < len(ops); {
		if !keep[k] {
			oldLine, newLine = oldLine+1, newLine+1
			k++
			continue
		}
		end := k
		oldN, newN := 0, 0
		for end < len(ops) && keep[end] {
			if ops[end].kind != '+' {
				oldN++
			}
			if ops[end].kind != '-' {
				newN++
			}
			end++
		}
		fmt.Fprintf(&out, "@@ -%d,%d +%d,%d @@\n", oldLine, oldN, newLine, newN)
		for ; k < end; k++ {
			out.WriteByte(ops[k].kind)
			out.WriteString(ops[k].line)
			out.WriteByte('\n')
		}
		oldLine, newLine = oldLine+oldN, newLine+newN
	}
	return out.String()
}
