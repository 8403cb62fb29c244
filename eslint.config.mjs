// Deep imports only: the provider packages' roots load every resource binding
// (seconds and about a gigabyte per process). Import `@cdktf/provider-aws/lib/<resource>`.
import tseslint from "typescript-eslint";

const rootImportMessage =
  "Import one resource, e.g. '@cdktf/provider-aws/lib/vpc': the package root loads every binding (~5 s, ~1 GB).";

export default tseslint.config(
  { ignores: ["node_modules/", "cdktf.out/", "coverage/", ".gen/", ".build/"] },
  ...tseslint.configs.recommended,
  {
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [
            { name: "@cdktf/provider-aws", message: rootImportMessage },
            { name: "@cdktf/provider-google", message: rootImportMessage },
          ],
          patterns: [
            { regex: "^@cdktf/provider-(aws|google)/lib/?$", message: rootImportMessage },
            { regex: "^@cdktf/provider-(aws|google)/lib/index", message: rootImportMessage },
          ],
        },
      ],
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
    },
  },
  {
    files: ["**/*.js", "**/*.cjs"],
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
);
