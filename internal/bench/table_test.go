package bench

import (
	"errors"
	"strings"
	"testing"
)

func TestRowVerdict(t *testing.T) {
	cases := []struct {
		row  Row
		want string
	}{
		{Row{Value: 110, Baseline: 100, Goal: Goal{RatioAtMost, 1.25}}, "pass"},
		{Row{Value: 130, Baseline: 100, Goal: Goal{RatioAtMost, 1.25}}, "FAIL"},
		{Row{Value: 125, Baseline: 100, Goal: Goal{RatioAtMost, 1.25}}, "pass"},
		{Row{Value: 90, Baseline: 100, Goal: Goal{RatioAtLeast, 0.8}}, "pass"},
		{Row{Value: 70, Baseline: 100, Goal: Goal{RatioAtLeast, 0.8}}, "FAIL"},
		{Row{Value: 70, Goal: Goal{RatioAtLeast, 0.8}}, "FAIL"}, // no baseline: cannot pass a ratio goal
		{Row{Value: 39.9, Goal: Goal{ValueBelow, 40}}, "pass"},
		{Row{Value: 40, Goal: Goal{ValueBelow, 40}}, "FAIL"},
		{Row{Value: -1, Goal: Goal{ValueBelow, 40}}, "FAIL"}, // unknown (-1) never passes
		{Row{Value: 5}, "-"},
		{Row{Value: 5, Err: errors.New("x")}, "ERROR"},
		{Row{Value: 5, Goal: Goal{ValueBelow, 40}, Err: errors.New("x")}, "ERROR"},
	}
	for _, tc := range cases {
		if got := tc.row.Verdict(); got != tc.want {
			t.Errorf("%+v: %s, want %s", tc.row, got, tc.want)
		}
		if tc.row.Passed() != (tc.want == "pass" || tc.want == "-") {
			t.Errorf("%+v: Passed() = %v", tc.row, tc.row.Passed())
		}
	}
}

func TestTables(t *testing.T) {
	rows := []Row{
		{Name: "GetConversation: wrapper vs raw", Unit: "µs/op", Value: 83.14, Baseline: 75.2, Goal: Goal{RatioAtMost, 1.25}},
		{Name: "trajectory 100 MB: CLI peak RSS", Unit: "MB", Value: 21.5, Goal: Goal{ValueBelow, 40}},
		{Name: "contract run | replay", Unit: "s", Value: 4.217},
		{Name: "broken", Unit: "s", Err: errors.New("the CLI\nexited 1")},
	}
	var text strings.Builder
	if err := WriteTable(&text, rows); err != nil {
		t.Fatal(err)
	}
	wantText := `NAME                             VALUE                    BASELINE    RATIO  GOAL      RESULT
GetConversation: wrapper vs raw  83.1 µs/op               75.2 µs/op  1.11x  <= 1.25x  pass
trajectory 100 MB: CLI peak RSS  21.5 MB                  -           -      < 40 MB   pass
contract run | replay            4.22 s                   -           -      -         -
broken                           error: the CLI exited 1  -           -      -         ERROR
`
	if got := text.String(); got != wantText {
		t.Errorf("text table:\n%s\nwant\n%s", got, wantText)
	}
	var md strings.Builder
	if err := WriteMarkdown(&md, rows[2:3]); err != nil {
		t.Fatal(err)
	}
	wantMD := "| NAME | VALUE | BASELINE | RATIO | GOAL | RESULT |\n| --- | --- | --- | --- | --- | --- |\n| contract run \\| replay | 4.22 s | - | - | - | - |\n"
	if md.String() != wantMD {
		t.Errorf("markdown:\n%q\nwant\n%q", md.String(), wantMD)
	}
}

func TestNumber(t *testing.T) {
	for v, want := range map[float64]string{1234.5: "1234 MB/s", 83.14: "83.1 MB/s", 4.217: "4.22 MB/s", 0.5: "0.50 MB/s"} {
		if got := Number(v, "MB/s"); got != want {
			t.Errorf("Number(%v) = %q, want %q", v, got, want)
		}
	}
}
