package archiveview

import (
	"bytes"
	"html"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/util"
)

// md renders Markdown to safe HTML: raw HTML is shown as text, links open
// only with http, https or mailto (and rel="noopener noreferrer"), other
// links and every image become inert text, so nothing a message says can
// run, load or navigate on its own.
var md = goldmark.New(
	goldmark.WithExtensions(extension.Table, extension.Strikethrough, extension.TaskList, extension.Linkify),
	goldmark.WithRendererOptions(renderer.WithNodeRenderers(util.Prioritized(safeNodes{}, 0))),
)

// markdown renders src, or escapes it as text should the renderer fail.
func markdown(src string) string {
	var b bytes.Buffer
	if err := md.Convert([]byte(src), &b); err != nil {
		return "<p>" + html.EscapeString(src) + "</p>"
	}
	return b.String()
}

// safeNodes renders the node kinds that could carry active content.
type safeNodes struct{}

func (safeNodes) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindRawHTML, renderRawHTML)
	reg.Register(ast.KindHTMLBlock, renderHTMLBlock)
	reg.Register(ast.KindLink, renderLink)
	reg.Register(ast.KindAutoLink, renderAutoLink)
	reg.Register(ast.KindImage, renderImage)
}

func renderRawHTML(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if entering {
		segs := n.(*ast.RawHTML).Segments
		for i := range segs.Len() {
			s := segs.At(i)
			_, _ = w.WriteString(html.EscapeString(string(s.Value(src))))
		}
	}
	return ast.WalkSkipChildren, nil
}

func renderHTMLBlock(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	b := n.(*ast.HTMLBlock)
	_, _ = w.WriteString("<pre class=\"html\">")
	lines := b.Lines()
	for i := range lines.Len() {
		l := lines.At(i)
		_, _ = w.WriteString(html.EscapeString(string(l.Value(src))))
	}
	if b.HasClosure() {
		_, _ = w.WriteString(html.EscapeString(string(b.ClosureLine.Value(src))))
	}
	_, _ = w.WriteString("</pre>\n")
	return ast.WalkSkipChildren, nil
}

// openable reports whether a link may be followed: http, https or mailto.
func openable(url string) bool {
	u := strings.ToLower(strings.TrimSpace(url))
	return strings.HasPrefix(u, "https://") || strings.HasPrefix(u, "http://") || strings.HasPrefix(u, "mailto:")
}

func writeAnchor(w util.BufWriter, url string) {
	_, _ = w.WriteString(`<a href="` + html.EscapeString(url) + `" rel="noopener noreferrer nofollow" target="_blank" referrerpolicy="no-referrer">`)
}

func renderLink(w util.BufWriter, _ []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	url := string(n.(*ast.Link).Destination)
	if !openable(url) {
		// The label stays; the target is shown as inert text.
		if !entering {
			_, _ = w.WriteString(` <span class="inert">(` + html.EscapeString(url) + `)</span>`)
		}
		return ast.WalkContinue, nil
	}
	if entering {
		writeAnchor(w, url)
	} else {
		_, _ = w.WriteString("</a>")
	}
	return ast.WalkContinue, nil
}

func renderAutoLink(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	l := n.(*ast.AutoLink)
	url, label := string(l.URL(src)), html.EscapeString(string(l.Label(src)))
	if l.AutoLinkType == ast.AutoLinkEmail && !strings.HasPrefix(strings.ToLower(url), "mailto:") {
		url = "mailto:" + url
	}
	if !openable(url) {
		_, _ = w.WriteString(label)
		return ast.WalkContinue, nil
	}
	writeAnchor(w, url)
	_, _ = w.WriteString(label + "</a>")
	return ast.WalkContinue, nil
}

// renderImage shows an image as text: an archive loads nothing remote.
func renderImage(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	img := n.(*ast.Image)
	_, _ = w.WriteString(`<span class="inert">[image: ` + html.EscapeString(plainText(img, src)) + `] (` + html.EscapeString(string(img.Destination)) + `)</span>`)
	return ast.WalkSkipChildren, nil
}

// plainText is the text of n's descendants.
func plainText(n ast.Node, src []byte) string {
	var b strings.Builder
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			switch t := c.(type) {
			case *ast.Text:
				b.Write(t.Value(src))
			case *ast.String:
				b.Write(t.Value)
			case *ast.RawHTML:
				for i := range t.Segments.Len() {
					seg := t.Segments.At(i)
					b.Write(seg.Value(src))
				}
			}
		}
		return ast.WalkContinue, nil
	})
	return b.String()
}
