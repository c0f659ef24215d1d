package archiveview

import (
	"html"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func TestMarkdownIsSafe(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     []string
		never    []string
	}{
		{"emphasis and code", "**bold** `a<b`\n\n```\n<script>x</script>\n```",
			[]string{"<strong>bold</strong>", "<code>a&lt;b</code>", "&lt;script&gt;x&lt;/script&gt;"}, []string{"<script"}},
		{"inline html shows as text", `a <img src=x onerror="alert(1)"> b`,
			[]string{"a &lt;img src=x onerror=&#34;alert(1)&#34;&gt; b"}, []string{"<img"}},
		{"html block shows as text", "<div onclick=\"alert(1)\">\nhi\n</div>\n",
			[]string{`<pre class="html">&lt;div onclick=&#34;alert(1)&#34;&gt;`}, []string{"<div"}},
		{"web link opens in a new context without referrer", "[docs](https://example.com/a?b=1&c=2)",
			[]string{`<a href="https://example.com/a?b=1&amp;c=2" rel="noopener noreferrer nofollow" target="_blank" referrerpolicy="no-referrer">docs</a>`}, nil},
		{"script link is inert", "[x](javascript:alert(1)) [y](data:text/html,hi) [z](file:///etc/passwd)",
			[]string{`x <span class="inert">(javascript:alert(1))</span>`, "(data:text/html,hi)", "(file:///etc/passwd)"}, []string{"<a "}},
		{"autolinks", "<https://example.com> and <mailto:me@example.com> and www.example.com",
			[]string{`<a href="https://example.com" rel="noopener noreferrer nofollow"`, `<a href="mailto:me@example.com" rel=`}, nil},
		{"images load nothing", "![logo <b>](https://example.com/logo.png)",
			[]string{`[image: logo &lt;b&gt;] (https://example.com/logo.png)`}, []string{"<img"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := markdown(tc.in)
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("markdown(%q) = %q, lacks %q", tc.in, got, w)
				}
			}
			for _, n := range tc.never {
				if strings.Contains(got, n) {
					t.Errorf("markdown(%q) = %q, holds %q", tc.in, got, n)
				}
			}
		})
	}
}

// Every '<' of the output opens a tag the renderer wrote (text has &lt;), so
// the tags and their attribute names, quoted values removed, are all there is
// to check.
var (
	tagPattern   = regexp.MustCompile(`<(/?)([a-zA-Z][a-zA-Z0-9]*)([^>]*)>`)
	quoted       = regexp.MustCompile(`"[^"]*"`)
	attrPattern  = regexp.MustCompile(`([a-zA-Z-]+)=`)
	hrefPattern  = regexp.MustCompile(`href="([^"]*)"`)
	allowedTags  = strings.Fields("p strong em code pre a span ul ol li h1 h2 h3 h4 h5 h6 blockquote hr br table thead tbody tr th td del input")
	allowedAttrs = strings.Fields("href rel target referrerpolicy class align checked disabled type start")
)

func FuzzMarkdownNeverEmitsActiveMarkup(f *testing.F) {
	for _, s := range []string{"<script>x</script>", "[a](javascript:x)", "![i](http://x/y.png)", "<a href=x onclick=y>", "`<img>`", "- [x] done\n\n|a|b|\n|-|-|\n|1|2|", "www.example.com/a<b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := markdown(s)
		for _, m := range tagPattern.FindAllStringSubmatch(got, -1) {
			if !slices.Contains(allowedTags, strings.ToLower(m[2])) {
				t.Fatalf("markdown(%q) = %q writes the tag %q", s, got, m[2])
			}
			for _, a := range attrPattern.FindAllStringSubmatch(quoted.ReplaceAllString(m[3], ""), -1) {
				if !slices.Contains(allowedAttrs, strings.ToLower(a[1])) {
					t.Fatalf("markdown(%q) = %q writes the attribute %q", s, got, a[1])
				}
			}
			for _, h := range hrefPattern.FindAllStringSubmatch(m[3], -1) {
				if !openable(html.UnescapeString(h[1])) {
					t.Fatalf("markdown(%q) = %q links %q", s, got, h[1])
				}
			}
		}
	})
}
