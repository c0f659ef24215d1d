package archiveview

import "testing"

func TestLineDiff(t *testing.T) {
	for _, tc := range []struct{ old, new, want string }{
		{"", "a\nb\n", "@@ -1,0 +1,2 @@\n+a\n+b\n"},
		{"a\nb\nc\n", "a\nB\nc\n", "@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n"},
		{"1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n", "1\n2\n3\n4\n5\n6\n7\n8\n9\nten\n", "@@ -7,4 +7,4 @@\n 7\n 8\n 9\n-10\n+ten\n"},
		{"same\n", "same\n", ""},
		{"x\n1\n2\n3\n4\n5\n6\n7\n8\ny\n", "X\n1\n2\n3\n4\n5\n6\n7\n8\nY\n", "@@ -1,4 +1,4 @@\n-x\n+X\n 1\n 2\n 3\n@@ -7,4 +7,4 @@\n 6\n 7\n 8\n-y\n+Y\n"},
	} {
		if got := lineDiff(tc.old, tc.new); got != tc.want {
			t.Errorf("lineDiff(%q, %q) =\n%s\nwant\n%s", tc.old, tc.new, got, tc.want)
		}
	}
}
