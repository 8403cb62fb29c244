/**
 * EC2 user data that runs a service's container on the ECS-optimized Amazon Linux 2023 AMI.
 *
 * User data runs once, at the first boot (cloud-init's per-instance scripts). The container comes
 * back after a reboot through docker's restart policy rather than a systemd unit: dockerd starts it
 * from the image already on disk, so no registry login is needed then (an ECR token lasts 12 hours)
 * and there is no second copy of the pull-and-run logic to keep in step. That needs dockerd
 * enabled at boot, which the AMI does only indirectly (ecs.service requires docker.service), so
 * the script enables it itself.
 *
 * ECR login uses the AWS CLI, which reads the instance role through IMDSv2 on its own. The
 * ECS-optimized AL2023 AMI is built from al2023-ami-minimal and adds only the ECS agent's
 * packages (github.com/aws/amazon-ecs-ami, al2023.pkr.hcl: `packages_al2023`), so the CLI may be
 * missing: the script installs AL2023's `awscli-2` package when `aws` is not on PATH.
 */
import { ContainerLaunch, containerBootScript, ecrRegistry, registryHost, shellQuote } from "../../lib/container-boot";
import { escapeFunctionArgument } from "../../lib/terraform-template";

/** Bash user data for an AWS instance running the container: ECR login when the image is in ECR, docker run with restart always, -p port:port, --env-file, --log-driver awslogs to logGroupName in region (stream = instance id), then nothing else. The result is Terraform-template-safe (literal parts escaped), for Fn.base64encode(...). */
export function awsContainerBootScript(launch: ContainerLaunch, options: { readonly region: string; readonly logGroupName: string }): string {
  const ecr = ecrRegistry(launch.image);
  const prepare = [
    "systemctl enable --now docker.service",
    "# IMDSv2: a session token first, then the metadata.",
    "imds() {",
    "  local token",
    "  token=$(curl -fsS --retry 5 --retry-connrefused -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 300' http://169.254.169.254/latest/api/token)",
    '  curl -fsS --retry 5 --retry-connrefused -H "X-aws-ec2-metadata-token: $token" "http://169.254.169.254/latest/meta-data/$1"',
    "}",
    "instance_id=$(imds instance-id)",
  ];
  if (ecr) {
    prepare.push(
      "if ! command -v aws >/dev/null; then retry dnf install -y awscli-2; fi",
      // The registry's own region: an image may come from another region than the stack's.
      `ecr_login() { aws ecr get-login-password --region ${ecr.region} | docker login --username AWS --password-stdin ${shellQuote(registryHost(launch.image))}; }`,
      "retry ecr_login",
    );
  }
  const script = containerBootScript(launch, {
    prepare,
    logOptions: [
      "--log-driver awslogs",
      `--log-opt awslogs-region=${shellQuote(options.region)}`,
      `--log-opt awslogs-group=${shellQuote(options.logGroupName)}`,
      '--log-opt "awslogs-stream=$instance_id"',
    ],
  });
  // The caller passes this to Fn.base64encode, where cdktf escapes "${" and newlines itself.
  return escapeFunctionArgument(script);
}
