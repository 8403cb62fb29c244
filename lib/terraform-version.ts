/**
 * The Terraform version every stack needs: write-only arguments (the GCP database password, kept
 * out of state and plans) need 1.11, ephemeral resources 1.10. Declared in every stack
 * (stacks/common.ts requireTerraform), so an older Terraform refuses at init instead of failing on
 * an unknown block or, worse, half-applying; `npm run diff|deploy|destroy` checks it before
 * starting (cli/terraform.ts). No imports: the CLI reads it without loading cdktf.
 */
export const REQUIRED_TERRAFORM_VERSION = ">= 1.11";
