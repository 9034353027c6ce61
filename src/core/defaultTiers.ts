/**
 * The tiers a policy has when it names none (docs/design.md, "The policy"): infrastructure and mass deletion,
 * two approvals each. policySchema.ts fills them in as `tiers`' default.
 */

/**
 * Infrastructure: what an agent must not change (or "delete and recreate") without a second person. The
 * default tier matches these names whatever their case (`dockerfile`, `DOCKERFILE`, `containerfile`,
 * `CHART.YAML`, tier field `ignoreCase`): a repository chooses its file names, and the tier must not be
 * dodged by a capital letter. Other patterns are case-sensitive, as git is.
 */
export const INFRASTRUCTURE_PATHS: readonly string[] = [
  // Terraform / OpenTofu, HCL tools (Nomad, Packer, Terragrunt), Bicep, Pulumi, CDK, CloudFormation
  '*.tf',
  '*.tfvars',
  '*.tf.json',
  '*.tofu',
  '*.tofu.json',
  '*.hcl',
  '*.nomad',
  '*.bicep',
  'Pulumi.yaml',
  'Pulumi.yml',
  'Pulumi.*.yaml',
  'Pulumi.*.yml',
  'cdk.json',
  'cloudformation/',
  '*.cfn.yaml',
  '*.cfn.yml',
  '*.cfn.json',
  // Kubernetes, Helm, Helmfile, Kustomize, Skaffold
  'k8s/',
  'kubernetes/',
  'manifests/',
  'helm/',
  'charts/',
  'Chart.yaml',
  'Chart.yml',
  'kustomization.yaml',
  'kustomization.yml',
  'skaffold.yaml',
  'skaffold.yml',
  'helmfile.yaml',
  'helmfile.yml',
  'helmfile.yaml.gotmpl',
  'helmfile.d/',
  'nomad/',
  // CI/CD
  '.github/workflows/',
  '.github/actions/',
  '.gitlab-ci.yml',
  '.gitlab/ci/',
  '.circleci/',
  'Jenkinsfile',
  'azure-pipelines.yml',
  '.buildkite/',
  // Databases
  'migrations/',
  'migrate/',
  'db/schema.rb',
  '*.sql',
  // Containers: Docker, Podman (Containerfile, quadlets), Compose
  'Dockerfile',
  'Dockerfile.*',
  '*.dockerfile',
  'Containerfile',
  'Containerfile.*',
  '*.containerfile',
  'docker-compose*.yml',
  'docker-compose*.yaml',
  'compose.yaml',
  'compose.yml',
  'podman-compose*.yml',
  'podman-compose*.yaml',
  '*.container',
  '*.pod',
  '*.kube',
  '*.network',
  '*.volume',
  // Ansible: playbooks, inventories, roles and variables
  'ansible/',
  'playbooks/',
  'playbook*.yml',
  'playbook*.yaml',
  'site.yml',
  'site.yaml',
  'ansible.cfg',
  'inventory/',
  'inventories/',
  'inventory*.ini',
  'inventory*.yml',
  'inventory*.yaml',
  'hosts.ini',
  'group_vars/',
  'host_vars/',
  // Serverless, Vagrant
  'serverless.yml',
  'serverless.yaml',
  'Vagrantfile',
];

export const DEFAULT_TIERS = [
  {
    name: 'infrastructure',
    description:
      'Terraform, Kubernetes/Helm, CI workflows, migrations, Dockerfiles: changes that can take production down need two people.',
    paths: [...INFRASTRUCTURE_PATHS],
    ignoreCase: true,
    approvals: 2,
    roles: [] as string[],
    scope: 'all' as const,
  },
  {
    name: 'mass-deletion',
    description: 'A commit that deletes many files or lines ("delete and recreate the environment") needs two people.',
    paths: [] as string[],
    deletedFiles: 5,
    deletedLines: 500,
    approvals: 2,
    roles: [] as string[],
    scope: 'all' as const,
  },
];
