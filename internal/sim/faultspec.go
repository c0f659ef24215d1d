package sim

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// ParseFault reads a fault written as comma-separated key=value pairs, the
// form `sim serve --fault` takes:
//
//	kind=slow-body,path=/api/conversations/{id}/trajectory,chunk-delay=20ms
//	status,status=503,method=GET,path=/api/conversations,times=2,header=Retry-After:1
//
// A first element without "=" is the kind. Keys: kind (required; see
// FaultKinds), method, path (see Fault.Path), host (app or runtime), times,
// latency, status, content-type, body, size, chunk-size, chunk-delay, and
// header=Name:Value (repeatable).
func ParseFault(spec string) (Fault, error) {
	var f Fault
	for i, part := range strings.Split(spec, ",") {
		key, val, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok && i == 0 {
			key, val = "kind", key
		} else if !ok {
			return Fault{}, fmt.Errorf("sim: fault %q: %q is not key=value", spec, part)
		}
		if err := f.set(key, val); err != nil {
			return Fault{}, fmt.Errorf("sim: fault %q: %s: %w", spec, key, err)
		}
	}
	if f.Kind == "" {
		return Fault{}, fmt.Errorf("sim: fault %q: no kind", spec)
	}
	return f, nil
}

func (f *Fault) set(key, val string) error {
	var err error
	switch key {
	case "kind":
		for _, k := range FaultKinds() {
			if string(k) == val {
				f.Kind = k
				return nil
			}
		}
		return fmt.Errorf("unknown kind %q (want one of %v)", val, FaultKinds())
	case "method":
		f.Method = strings.ToUpper(val)
	case "path":
		f.Path = val
	case "host":
		if val != string(HostApp) && val != string(HostRuntime) {
			return fmt.Errorf("%q is neither app nor runtime", val)
		}
		f.Host = HostKind(val)
	case "times":
		f.Times, err = nonNegative(val)
	case "status":
		f.Status, err = nonNegative(val)
		if err == nil && (f.Status < 100 || f.Status > 599) {
			err = fmt.Errorf("%d is not an HTTP status", f.Status)
		}
	case "size":
		f.Size, err = nonNegative(val)
	case "chunk-size":
		f.ChunkSize, err = nonNegative(val)
	case "latency":
		f.Latency, err = duration(val)
	case "chunk-delay":
		f.ChunkDelay, err = duration(val)
	case "content-type":
		f.ContentType = val
	case "body":
		f.Body = []byte(val)
	case "header":
		name, value, ok := strings.Cut(val, ":")
		if !ok || strings.TrimSpace(name) == "" {
			return fmt.Errorf("%q is not Name:Value", val)
		}
		if f.Header == nil {
			f.Header = http.Header{}
		}
		f.Header.Add(strings.TrimSpace(name), strings.TrimSpace(value))
	default:
		return fmt.Errorf("unknown key")
	}
	return err
}

func nonNegative(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%q is not a whole number >= 0", s)
	}
	return n, nil
}

func duration(s string) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("%q is not a duration >= 0", s)
	}
	return d, nil
}
