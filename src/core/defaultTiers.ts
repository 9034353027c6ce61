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
  // terraform.tfvars.json and *.auto.tfvars.json are loaded by `plan`/`apply` unasked, as *.tfvars are (attack24 06)
  '*.tfvars.json',
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
  // A chart outside charts/ or helm/ (at the root, say): a glob cannot ask for a Chart.yaml beside a file, so the
  // names Helm gives a chart's own files are matched wherever they are — values files, the YAML and helper
  // templates under templates/ (other templates, HTML or email, stay out), and crds/ (attack24 06). A chart's
  // other files (files/, a .helmignore) under another folder need the policy's own `paths`.
  'values*.yaml',
  'values*.yml',
  '**/templates/**/*.yaml',
  '**/templates/**/*.yml',
  '**/templates/**/*.tpl',
  'crds/',
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
  'bitbucket-pipelines.yml',
  '.drone.yml',
  '.drone.yaml',
  '.travis.yml',
  '.woodpecker.yml',
  '.woodpecker.yaml',
  '.woodpecker/',
  '.gitea/workflows/',
  '.forgejo/workflows/',
  'cloudbuild.yaml',
  'cloudbuild.yml',
  'buildspec.yml',
  'buildspec.yaml',
  'appspec.yml',
  'appspec.yaml',
  'Tiltfile',
  'Earthfile',
  // Who must review (a forge reads CODEOWNERS to decide), and what a checkout or archive contains. .gitmodules
  // decides whether and from which branch a submodule is checked out without its gitlink moving (`update = none`
  // empties k8s/ on every recursive clone; `branch = evil` has `submodule update --remote` deploy an unreviewed
  // branch: attack24 01), and .lfsconfig's lfs.fetchexclude leaves files as LFS pointer text in every checkout.
  'CODEOWNERS',
  '.gitattributes',
  '.gitmodules',
  '.lfsconfig',
  // Deployment manifests: PaaS, Argo CD, OpenShift, deploy folders
  'fly.toml',
  'app.yaml',
  'Procfile',
  'vercel.json',
  'netlify.toml',
  'render.yaml',
  'wrangler.toml',
  'wrangler.json',
  'wrangler.jsonc',
  'samconfig.toml',
  'cdktf.json',
  'deploy/',
  'deployment/',
  'deployments/',
  'argocd/',
  'openshift/',
  // Configuration management and policy: Salt, Puppet, Open Policy Agent
  '*.sls',
  '*.pp',
  '*.rego',
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
  // compose.override.y(a)ml is merged by `docker compose up` unasked; other compose.*.yaml are passed with -f
  'compose.*.yaml',
  'compose.*.yml',
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
      'Terraform, Kubernetes/Helm, CI pipelines, deployment manifests, migrations, Dockerfiles, CODEOWNERS: changes that can take production down need two people.',
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
