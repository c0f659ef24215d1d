package main

import (
	"io"

	"github.com/spf13/cobra"
)

func (a *app) userCommand() *cobra.Command {
	cmd := group("user", "Show the signed-in git provider user")
	cmd.AddCommand(&cobra.Command{
		Use:   "info",
		Short: "Show the git provider user the server acts as",
		Args:  exactArgs(),
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := a.api(cmd)
			if err != nil {
				return err
			}
			u, err := c.GetUserInfo(cmd.Context())
			if err != nil {
				return err
			}
			return a.printer().emit(u, func(w io.Writer) error {
				return writeFields(w,
					[2]string{"login", u.Login},
					[2]string{"name", u.Name},
					[2]string{"id", u.ID},
					[2]string{"email", u.Email},
					[2]string{"company", u.Company},
					[2]string{"avatar_url", u.AvatarURL},
				)
			})
		},
	})
	return cmd
}
