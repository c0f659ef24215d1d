package sim

import (
	"net/http"
	"reflect"
	"strings"
	"time"

	"github.com/openhands-go/openhands-v0/api"
)

// The simulated git provider's data.
var (
	simUser = api.User{
		ID: "583231", Login: "sim-user", AvatarURL: "https://avatars.githubusercontent.com/u/583231?v=4",
		Company: "Acme Corp", Name: "Sim User", Email: "sim-user@example.com",
	}
	simRepos = []struct {
		name  string
		org   bool
		stars int
	}{
		{"sim-user/widgets", false, 12}, {"acme/api-server", true, 340}, {"acme/frontend", true, 128},
		{"sim-user/gadgets", false, 3}, {"acme/infra", true, 41}, {"openhands-go/openhands-v0", true, 77},
		{"sim-user/dotfiles", false, 0},
	}
	simBranches = []string{"main", "develop", "feature/login-page", "fix/flaky-test", "release/1.0", "chore/deps"}
)

// gitRoute is the frame of every git route: it answers a bad query (422),
// or the route's 401 (the bare JSON string msg) when no provider token is
// stored, or else runs serve with s.mu held. q is nil for routes without
// parameters.
func (s *Server) gitRoute(c *call, q *query, msg string, serve func()) {
	if q != nil && len(q.p) > 0 {
		q.p.write(c.w)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range s.tokens {
		if t.Token != "" {
			serve()
			return
		}
	}
	writeJSON(c.w, http.StatusUnauthorized, msg)
}

const tokenRequired = "Git provider token required. (such as GitHub)."

func (s *Server) repository(i int) api.Repository {
	r := simRepos[i]
	owner := api.OwnerType("user")
	if r.org {
		owner = "organization"
	}
	pushed := s.started.Add(-time.Duration(i+1) * 26 * time.Hour)
	return api.Repository{
		ID: itoa(100000 + 7919*i), FullName: r.name, GitProvider: "github", IsPublic: i%3 != 2,
		StargazersCount: r.stars, PushedAt: stamp(isoUTC(pushed)), OwnerType: owner, MainBranch: "main",
	}
}

// listInstallations serves GET /api/user/installations (listUserInstallations).
func (s *Server) listInstallations(c *call) {
	q := newQuery(c.r)
	provider := q.enum("provider", reflect.TypeFor[api.ProviderType](), true)
	s.gitRoute(c, q, tokenRequired, func() {
		switch provider {
		case "github":
			writeJSON(c.w, http.StatusOK, []string{"41235", "88410"})
		case "bitbucket", "azure_devops":
			writeJSON(c.w, http.StatusOK, []string{"acme-workspace"})
		default:
			writeJSON(c.w, http.StatusBadRequest, "Provider "+provider+" doesn't support installations")
		}
	})
}

// listRepositories serves GET /api/user/repositories (listUserRepositories).
func (s *Server) listRepositories(c *call) {
	q := newQuery(c.r)
	q.str("sort", "pushed")
	provider := q.enum("selected_provider", reflect.TypeFor[api.ProviderType](), false)
	page := q.integer("page", 1)
	perPage := q.integer("per_page", 30)
	q.str("installation_id", "")
	s.gitRoute(c, q, tokenRequired, func() {
		out := []api.Repository{}
		if provider == "" || provider == "github" {
			page, perPage = max(page, 1), max(perPage, 1)
			lastPage := (len(simRepos) + perPage - 1) / perPage
			for i := (page - 1) * perPage; i < min(page*perPage, len(simRepos)); i++ {
				out = append(out, s.repository(i))
			}
			if len(out) > 0 && page < lastPage {
				link := "https://api.github.com/user/repos?sort=pushed&per_page=" + itoa(perPage)
				out[0].LinkHeader = `<` + link + `&page=` + itoa(page+1) + `>; rel="next", <` + link + `&page=` + itoa(lastPage) + `>; rel="last"`
			}
		}
		writeJSON(c.w, http.StatusOK, out)
	})
}

// getUserInfo serves GET /api/user/info (getUserInfo).
func (s *Server) getUserInfo(c *call) {
	s.gitRoute(c, nil, tokenRequired, func() {
		writeJSON(c.w, http.StatusOK, simUser)
	})
}

// searchRepositories serves GET /api/user/search/repositories (searchRepositories).
func (s *Server) searchRepositories(c *call) {
	q := newQuery(c.r)
	text := strings.ToLower(q.required("query"))
	perPage := q.integer("per_page", 5)
	q.enum("selected_provider", reflect.TypeFor[api.ProviderType](), false)
	s.gitRoute(c, q, tokenRequired, func() {
		out := []api.Repository{}
		for i, r := range simRepos {
			if strings.Contains(r.name, text) && len(out) < perPage {
				out = append(out, s.repository(i))
			}
		}
		writeJSON(c.w, http.StatusOK, out)
	})
}

func (s *Server) branch(repo string, i int) api.Branch {
	return api.Branch{
		Name: simBranches[i], CommitSha: hexID(s.cfg.idSalt, 40, "branch", repo, simBranches[i]),
		Protected: i == 0, LastPushDate: isoUTC(s.started.Add(-time.Duration(i+1) * 7 * time.Hour)),
	}
}

// searchBranches serves GET /api/user/search/branches (searchBranches).
func (s *Server) searchBranches(c *call) {
	q := newQuery(c.r)
	repo := q.required("repository")
	text := strings.ToLower(q.required("query"))
	perPage := q.integer("per_page", 30)
	q.enum("selected_provider", reflect.TypeFor[api.ProviderType](), false)
	s.gitRoute(c, q, "Git provider token required.", func() {
		out := []api.Branch{}
		for i, b := range simBranches {
			if strings.Contains(b, text) && len(out) < perPage {
				out = append(out, s.branch(repo, i))
			}
		}
		writeJSON(c.w, http.StatusOK, out)
	})
}

// suggestedTasks serves GET /api/user/suggested-tasks (getSuggestedTasks).
func (s *Server) suggestedTasks(c *call) {
	s.gitRoute(c, nil, "No providers set.", func() {
		writeJSON(c.w, http.StatusOK, []api.SuggestedTask{
			{GitProvider: "github", TaskType: "FAILING_CHECKS", Repo: "acme/api-server", IssueNumber: 482, Title: "Add retries to the webhook sender"},
			{GitProvider: "github", TaskType: "OPEN_ISSUE", Repo: "sim-user/widgets", IssueNumber: 17, Title: "Widget list does not paginate"},
			{GitProvider: "github", TaskType: "UNRESOLVED_COMMENTS", Repo: "acme/frontend", IssueNumber: 903, Title: "Dark mode toggle"},
		})
	})
}

// repositoryBranches serves GET /api/user/repository/branches (listRepositoryBranches).
func (s *Server) repositoryBranches(c *call) {
	q := newQuery(c.r)
	repo := q.required("repository")
	page := q.integer("page", 1)
	perPage := q.integer("per_page", 30)
	s.gitRoute(c, q, tokenRequired, func() {
		page, perPage = max(page, 1), max(perPage, 1)
		out := api.PaginatedBranchesResponse{Branches: []api.Branch{}, CurrentPage: page, PerPage: perPage, TotalCount: len(simBranches)}
		for i := (page - 1) * perPage; i < min(page*perPage, len(simBranches)); i++ {
			out.Branches = append(out.Branches, s.branch(repo, i))
		}
		out.HasNextPage = page*perPage < len(simBranches)
		writeJSON(c.w, http.StatusOK, out)
	})
}

// repoMicroagents are the microagent files every simulated repository has.
var repoMicroagents = []struct{ name, content string }{
	{"repo", "---\nname: repo\ntype: repo\n---\nRun the tests with `pytest`.\n"},
	{"testing", "---\nname: testing\ntype: knowledge\ntriggers:\n- test\n- pytest\n---\nTests live in tests/.\n"},
}

// repositoryMicroagents serves GET /api/user/repository/{name}/microagents
// (listRepositoryMicroagents).
func (s *Server) repositoryMicroagents(c *call) {
	s.gitRoute(c, nil, tokenRequired, func() {
		out := []api.RepositoryMicroagent{}
		for i, m := range repoMicroagents {
			out = append(out, api.RepositoryMicroagent{
				Name: m.name, Path: ".openhands/microagents/" + m.name + ".md",
				CreatedAt: stamp(isoUTC(s.started.Add(-time.Duration(30+i) * 24 * time.Hour))),
			})
		}
		writeJSON(c.w, http.StatusOK, out)
	})
}

// repositoryMicroagentContent serves GET
// /api/user/repository/{name}/microagents/content
// (getRepositoryMicroagentContent).
func (s *Server) repositoryMicroagentContent(c *call) {
	q := newQuery(c.r)
	filePath := q.required("file_path")
	s.gitRoute(c, q, tokenRequired, func() {
		for _, m := range repoMicroagents {
			if filePath == ".openhands/microagents/"+m.name+".md" {
				var triggers []string
				if m.name == "testing" {
					triggers = []string{"test", "pytest"}
				}
				writeJSON(c.w, http.StatusOK, api.MicroagentContentResponse{Content: m.content, Path: filePath, Triggers: triggers, GitProvider: "github"})
				return
			}
		}
		writeJSON(c.w, http.StatusInternalServerError, "File not found: "+filePath)
	})
}
