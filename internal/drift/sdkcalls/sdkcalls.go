// Package sdkcalls finds, in the source of package wrapper, which spec
// operations each exported SDK function or method sends: the generated
// api.Client methods it calls, directly or through the package's other
// functions. The result is the operationId → SDK methods table that
// contract drift names in its findings (internal/drift/sdkmethods_gen.go,
// written by ./cmd/sdkgen from `make generate`).
package sdkcalls

import (
	"bytes"
	"context"
	"fmt"
	"go/ast"
	"go/format"
	"go/types"
	"slices"
	"strings"
	"unicode"

	"golang.org/x/tools/go/packages"

	"github.com/openhands-go/openhands-v0/spec"
)

// The packages analysed.
const (
	wrapperPkg = "github.com/openhands-go/openhands-v0/wrapper"
	apiPkg     = "github.com/openhands-go/openhands-v0/api"
)

// Use says which exported wrapper functions and methods send an operation.
type Use struct {
	// Direct are those whose own body sends it ("Client.StopConversation").
	Direct []string
	// Via are those that send it through other functions of the package
	// (every conversation-scoped method reads the conversation first).
	Via []string
}

// Map type-checks package wrapper in the module at dir and returns, for each
// operationId in operationIDs, the exported wrapper functions and methods
// ("Client.StopConversation", "RuntimeBaseURL") that send it, sorted.
// An operation no exported function reaches is absent. It is an error when
// the wrapper calls an api.Client method that no operationId names.
func Map(dir string, operationIDs []string) (map[string]Use, error) {
	cfg := &packages.Config{Dir: dir, Mode: packages.NeedName | packages.NeedTypes | packages.NeedSyntax | packages.NeedTypesInfo | packages.NeedImports}
	pkgs, err := packages.Load(cfg, wrapperPkg)
	if err != nil {
		return nil, fmt.Errorf("sdkcalls: load %s: %w", wrapperPkg, err)
	}
	if len(pkgs) != 1 {
		return nil, fmt.Errorf("sdkcalls: %d packages for %s", len(pkgs), wrapperPkg)
	}
	pkg := pkgs[0]
	if len(pkg.Errors) > 0 {
		return nil, fmt.Errorf("sdkcalls: %s: %v", wrapperPkg, pkg.Errors[0])
	}
	byGoName := map[string]string{}
	for _, id := range operationIDs {
		byGoName[goName(id)] = id
	}

	// For each top-level function of the wrapper: the operations it sends
	// itself and the wrapper functions it uses (calls or method values,
	// closures included).
	sends := map[*types.Func]map[string]bool{}
	uses := map[*types.Func]map[*types.Func]bool{}
	for _, file := range pkg.Syntax {
		for _, decl := range file.Decls {
			fd, ok := decl.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			fn, _ := pkg.TypesInfo.Defs[fd.Name].(*types.Func)
			if fn == nil {
				continue
			}
			sends[fn], uses[fn] = map[string]bool{}, map[*types.Func]bool{}
			var walkErr error
			ast.Inspect(fd.Body, func(n ast.Node) bool {
				id, ok := n.(*ast.Ident)
				if !ok || walkErr != nil {
					return walkErr == nil
				}
				used, ok := pkg.TypesInfo.Uses[id].(*types.Func)
				if !ok {
					return true
				}
				used = used.Origin()
				switch {
				case isAPIClientMethod(used):
					op, ok := byGoName[strings.TrimSuffix(used.Name(), "WithBody")]
					if !ok {
						walkErr = fmt.Errorf("sdkcalls: %s calls api.Client.%s, which no operationId of the spec names", fn.FullName(), used.Name())
						return false
					}
					sends[fn][op] = true
				case used.Pkg() != nil && used.Pkg().Path() == wrapperPkg:
					uses[fn][used] = true
				}
				return true
			})
			if walkErr != nil {
				return nil, walkErr
			}
		}
	}

	out := map[string]Use{}
	for fn := range sends {
		name, ok := exportedName(fn)
		if !ok {
			continue
		}
		for op := range reach(fn, sends, uses) {
			u := out[op]
			if sends[fn][op] {
				u.Direct = append(u.Direct, name)
			} else {
				u.Via = append(u.Via, name)
			}
			out[op] = u
		}
	}
	for op, u := range out {
		slices.Sort(u.Direct)
		slices.Sort(u.Via)
		out[op] = u
	}
	return out, nil
}

// reach returns the operations fn sends, itself or through the wrapper
// functions it uses.
func reach(fn *types.Func, sends map[*types.Func]map[string]bool, uses map[*types.Func]map[*types.Func]bool) map[string]bool {
	ops := map[string]bool{}
	seen := map[*types.Func]bool{fn: true}
	for queue := []*types.Func{fn}; len(queue) > 0; queue = queue[1:] {
		for op := range sends[queue[0]] {
			ops[op] = true
		}
		for next := range uses[queue[0]] {
			if !seen[next] {
				seen[next] = true
				queue = append(queue, next)
			}
		}
	}
	return ops
}

// isAPIClientMethod reports whether f is a method of api.Client (the
// generated client whose methods are the spec's operations).
func isAPIClientMethod(f *types.Func) bool {
	sig, ok := f.Type().(*types.Signature)
	if !ok || sig.Recv() == nil || f.Pkg() == nil || f.Pkg().Path() != apiPkg {
		return false
	}
	t := sig.Recv().Type()
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	named, ok := t.(*types.Named)
	return ok && named.Obj().Name() == "Client"
}

// exportedName names an exported function ("New") or an exported method of
// an exported type ("Client.StopConversation").
func exportedName(f *types.Func) (string, bool) {
	if !f.Exported() {
		return "", false
	}
	sig := f.Type().(*types.Signature)
	if sig.Recv() == nil {
		return f.Name(), true
	}
	t := sig.Recv().Type()
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	named, ok := t.(*types.Named)
	if !ok || !named.Obj().Exported() {
		return "", false
	}
	return named.Obj().Name() + "." + f.Name(), true
}

// SpecOperationIDs lists the operationIds of spec/openapi.yaml.
func SpecOperationIDs(ctx context.Context) ([]string, error) {
	doc, err := spec.Load(ctx)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			ids = append(ids, op.OperationID)
		}
	}
	slices.Sort(ids)
	return ids, nil
}

// goName is the name oapi-codegen gives an operation's client method.
func goName(operationID string) string {
	r := []rune(operationID)
	if len(r) > 0 {
		r[0] = unicode.ToUpper(r[0])
	}
	return string(r)
}

// Render writes the table as the Go source of internal/drift/sdkmethods_gen.go.
func Render(m map[string]Use) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("// Code generated by internal/drift/sdkcalls/cmd/sdkgen from package wrapper; DO NOT EDIT.\n\n")
	b.WriteString("package drift\n\n")
	b.WriteString("// sdkMethods lists, by operationId, the exported wrapper functions and\n")
	b.WriteString("// methods that send the operation: themselves, then through others.\n")
	b.WriteString("var sdkMethods = map[string]SDKUse{\n")
	ops := make([]string, 0, len(m))
	for op := range m {
		ops = append(ops, op)
	}
	slices.Sort(ops)
	list := func(names []string) string {
		q := make([]string, len(names))
		for i, n := range names {
			q[i] = fmt.Sprintf("%q", n)
		}
		return "[]string{" + strings.Join(q, ", ") + "}"
	}
	for _, op := range ops {
		u := m[op]
		fmt.Fprintf(&b, "\t%q: {Direct: %s", op, list(u.Direct))
		if len(u.Via) > 0 {
			fmt.Fprintf(&b, ", Via: %s", list(u.Via))
		}
		b.WriteString("},\n")
	}
	b.WriteString("}\n")
	return format.Source(b.Bytes())
}
