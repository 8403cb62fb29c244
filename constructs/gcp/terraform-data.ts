/**
 * Terraform's built-in `terraform_data` resource, as cdktf's `DataResource` synthesizes it, minus
 * the synth-time validation `DataResource` adds: that one runs `terraform version` in a child
 * process for every instance, so synthesis failed outright on a machine without Terraform (a CI
 * job that only synthesizes, a reviewer reading the JSON) and spent ~40 ms per GCP stack when it
 * was there. The stacks declare `required_version >= 1.11` (REQUIRED_TERRAFORM_VERSION), which
 * Terraform itself enforces at init, well above the 1.4 that `DataResource` checks.
 */
import { anyToHclTerraform, anyToTerraform, hashMapper, hashMapperHcl, TerraformMetaArguments, TerraformResource } from "cdktf";
import { Construct } from "constructs";

export interface TerraformDataConfig extends TerraformMetaArguments {
  /**
   * Stored in state and echoed as `output`; a change updates the resource in place.
   * @default - no input
   */
  readonly input?: { [key: string]: any };
}

export class TerraformData extends TerraformResource {
  private readonly inputValue?: { [key: string]: any };

  constructor(scope: Construct, id: string, config: TerraformDataConfig = {}) {
    super(scope, id, {
      terraformResourceType: "terraform_data",
      terraformGeneratorMetadata: { providerName: "terraform" },
      provider: config.provider,
      dependsOn: config.dependsOn,
      count: config.count,
      lifecycle: config.lifecycle,
      provisioners: config.provisioners,
      connection: config.connection,
      forEach: config.forEach,
    });
    this.inputValue = config.input;
  }

  protected override synthesizeAttributes(): { [name: string]: any } {
    return { input: hashMapper(anyToTerraform)(this.inputValue) };
  }

  protected override synthesizeHclAttributes(): { [name: string]: any } {
    return { input: hashMapperHcl(anyToHclTerraform)(this.inputValue) };
  }
}
